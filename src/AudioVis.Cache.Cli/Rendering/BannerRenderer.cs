using AudioVis.Cache.Diagnostics;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Rendering;

/// <summary>Renders the library's <see cref="BannerViewModel"/>: its state, message and actions, as a host's banner would show them.</summary>
internal static class BannerRenderer
{
    public static void Render(IAnsiConsole console, BannerViewModel banner)
    {
        if (!banner.IsVisible)
        {
            console.MarkupLine("[green]No banner:[/] every requested descriptor is current.");
            return;
        }

        var color = banner.State switch
        {
            BannerState.Failed or BannerState.ProfileDeleted => "red",
            BannerState.Paused or BannerState.QueuedAfterExport => "grey",
            BannerState.Regenerating => "blue",
            _ => "yellow",
        };
        var actions = string.Join("  ", banner.Actions.Select(a => $"[[{Markup.Escape(a == BannerAction.LearnMore ? $"Learn More: {banner.LearnMoreLink}" : ActionText(a))}]]"));
        var body = new Rows(new Markup(Markup.Escape(banner.Message)), new Markup($"[grey]{actions}[/]"));
        console.Write(new Panel(body)
            .Header($"[{color} bold]{Markup.Escape(StateText(banner.State))}[/]")
            .Border(BoxBorder.Rounded)
            .BorderColor(Color.Yellow));
    }

    public static string StateText(BannerState state) => state switch
    {
        BannerState.NeedsRegeneration => "Regeneration needed",
        BannerState.Regenerating => "Regenerating",
        BannerState.Paused => "Regeneration paused",
        BannerState.QueuedAfterExport => "Queued after export",
        BannerState.ProfileDeleted => "Analysis profile deleted",
        BannerState.Failed => "Regeneration failed",
        _ => "Hidden",
    };

    public static string ActionText(BannerAction action) => action switch
    {
        BannerAction.RegenerateAll => "Regenerate All",
        BannerAction.OpenDiagnostics => "Open Diagnostics",
        BannerAction.LearnMore => "Learn More",
        BannerAction.Retry => "Retry",
        BannerAction.ChooseReplacementProfile => "Choose Replacement Profile",
        _ => action.ToString(),
    };
}
