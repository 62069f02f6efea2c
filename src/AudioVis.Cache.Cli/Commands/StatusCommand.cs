using AudioVis.Cache.Cli.Output;
using AudioVis.Cache.Cli.Rendering;
using AudioVis.Cache.Cli.Scenes;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Commands;

/// <summary><c>status &lt;scene&gt;</c>: the banner and the diagnostics panel of the scene's cache.</summary>
internal sealed class StatusCommand(CliContext context) : SceneCommand<ReadSceneSettings>(context)
{
    protected override async Task<int> RunAsync(CacheSession session, Scene scene, ReadSceneSettings settings, CancellationToken cancellationToken)
    {
        var panel = await session.GetPanelAsync(cancellationToken).ConfigureAwait(false);
        var banner = session.Banner.Current;
        if (settings.Json)
        {
            var status = new StatusJson(CliJson.FormatVersion, scene.SceneId, CliJson.Banner(banner), CliJson.Counts(session.Diffs), CliJson.Tracks(panel));
            CliJson.Write(Context, status, c => c.StatusJson);
            return ExitCodes.Success;
        }

        Context.Console.Write(new Rule("[bold]Banner[/]").LeftJustified());
        BannerRenderer.Render(Context.Console, banner);
        Context.Console.Write(new Rule("[bold]Diagnostics panel[/]").LeftJustified());
        PanelRenderer.Render(Context.Console, panel);
        return ExitCodes.Success;
    }
}
