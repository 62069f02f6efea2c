using System.Globalization;
using AudioVis.Cache.Diagnostics;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Rendering;

/// <summary>Renders the library's <see cref="DiagnosticsPanelViewModel"/>: a table per track and analysis profile, a row per descriptor.</summary>
internal static class PanelRenderer
{
    public static void Render(IAnsiConsole console, DiagnosticsPanelViewModel panel)
    {
        if (panel.Tracks.Count == 0)
        {
            console.MarkupLine("[grey]The diagnostics panel is empty: no element requests anything.[/]");
            return;
        }

        foreach (var track in panel.Tracks)
        {
            foreach (var profile in track.Profiles)
            {
                var table = new Table().Border(TableBorder.Rounded)
                    .Title($"[bold]{Markup.Escape(track.TrackRef)}[/] · {Markup.Escape(profile.DisplayName)}")
                    .AddColumn("Descriptor").AddColumn("Status").AddColumn("Last analysed").AddColumn("Reason").AddColumn("Requested by").AddColumn("Actions");
                foreach (var row in profile.Rows)
                {
                    table.AddRow(
                        Markup.Escape(row.Descriptor.ToString()),
                        $"[{StatusColor(row.Status)}]{row.Status}[/]",
                        Markup.Escape(FormatTime(row.LastAnalyzedAt)),
                        Markup.Escape(row.Reason),
                        Markup.Escape(string.Join(", ", row.Owners)),
                        Markup.Escape(string.Join(", ", row.Actions)));
                }

                console.Write(table);
            }
        }
    }

    public static string FormatTime(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    private static string StatusColor(DiagnosticsStatus status) => status switch
    {
        DiagnosticsStatus.Current => "green",
        DiagnosticsStatus.Missing => "yellow",
        DiagnosticsStatus.Stale => "orange1",
        DiagnosticsStatus.Regenerating => "blue",
        DiagnosticsStatus.Extraneous => "grey",
        _ => "red",
    };
}
