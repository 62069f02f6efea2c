using System.Globalization;
using AudioVis.Cache.History;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Rendering;

/// <summary>Renders history entries as a table, in the order given.</summary>
internal static class HistoryRenderer
{
    public static void Render(IAnsiConsole console, IReadOnlyList<HistoryEntry> entries, bool showDurations)
    {
        if (entries.Count == 0)
        {
            console.MarkupLine("[grey]No history entries match.[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Time").AddColumn("Track · profile").AddColumn("Action").AddColumn("Descriptors").AddColumn("Status").AddColumn("Trigger").AddColumn("Elements");
        if (showDurations)
        {
            table.AddColumn(new TableColumn("Duration").RightAligned());
        }

        foreach (var entry in entries)
        {
            var status = entry.Status == HistoryStatus.Success
                ? "[green]success[/]"
                : $"[red]failure[/] {Markup.Escape(entry.ErrorType ?? string.Empty)}";
            var trigger = HistoryWireNames.Of(entry.Trigger) + (entry.TriggerDetail is { } detail ? $": {detail}" : string.Empty);
            var cells = new List<string>
            {
                Markup.Escape(PanelRenderer.FormatTime(entry.Timestamp)),
                Markup.Escape($"{entry.TrackRef} · {entry.AnalysisProfileId}"),
                Markup.Escape(HistoryWireNames.Of(entry.Action)),
                Markup.Escape(string.Join(", ", entry.DescriptorIds)),
                status,
                Markup.Escape(trigger),
                Markup.Escape(string.Join(", ", entry.ElementIds)),
            };
            if (showDurations)
            {
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.DurationMs} ms"));
            }

            table.AddRow([.. cells]);
        }

        console.Write(table);
    }
}
