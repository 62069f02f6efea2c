using System.ComponentModel;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.History;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>export</c>.</summary>
internal sealed class ExportSettings : SceneSettings
{
    [CommandOption("--exports-dir <DIR>")]
    [Description("Where exports go; the manifest is <DIR>/<scene id>/analysis-history.json. Default: exports next to the scene file.")]
    public string? ExportsDirectory { get; init; }
}

/// <summary><c>export &lt;scene&gt;</c>: writes the export manifest (a summary of the history) for the scene.</summary>
internal sealed class ExportCommand(CliContext context) : SceneCommand<ExportSettings>(context)
{
    protected override string? ExportsDirectory(ExportSettings settings) => settings.ExportsDirectory;

    protected override async Task<int> RunAsync(CacheSession session, Scene scene, ExportSettings settings, CancellationToken cancellationToken)
    {
        var result = await WriteManifestAsync(session, scene, cancellationToken).ConfigureAwait(false);
        Context.Console.MarkupLineInterpolated($"Wrote the export manifest [bold]{result.Path}[/]: {result.EntryCount} history entries.");
        return ExitCodes.Success;
    }

    public static async Task<ExportManifestResult> WriteManifestAsync(CacheSession session, Scene scene, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Services.GetRequiredService<IExportManifestWriter>().WriteAsync(scene.SceneId, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName == "sceneId")
        {
            throw new CliInputException($"{Path.GetFileName(scene.FilePath)}: $.sceneId: {e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)].TrimEnd('.')}.", e);
        }
    }
}
