using System.Globalization;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using Spectre.Console;

namespace AudioVis.Cache.Cli;

/// <summary>Renders a <see cref="CacheDiff"/> as the reference host does: a banner line and a table of descriptors.</summary>
internal static class DiffRenderer
{
    public static void Render(IAnsiConsole console, CacheDiff diff, IAnalysisProfileRegistry profiles)
    {
        var profileName = profiles.TryGet(diff.AnalysisProfileId, out var profile) ? profile.DisplayName : diff.AnalysisProfileId;
        var needing = diff.Missing.Count + diff.Stale.Count;
        var banner = diff.IsProfileDeleted
            ? $"The analysis profile '{profileName}' was deleted: choose a replacement profile before regenerating."
            : diff.SourceError is not null
                ? $"The audio of '{diff.TrackRef}' cannot be read ({diff.SourceError.Problem}): fix or replace the file; its descriptors are unavailable."
            : needing > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{needing} {(needing == 1 ? "descriptor requires" : "descriptors require")} regeneration to match the '{profileName}' profile.")
                : $"All requested descriptors match the '{profileName}' profile.";

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(diff.TrackRef)}[/] · {Markup.Escape(profileName)}")
            .Caption(Markup.Escape(banner))
            .AddColumn("Descriptor").AddColumn("Status").AddColumn("Why").AddColumn("Requested by");

        foreach (var descriptor in diff.Current)
        {
            table.AddRow(Markup.Escape(descriptor.ToString()), "[green]Current[/]", string.Empty, Owners(diff, descriptor));
        }

        foreach (var descriptor in diff.Missing)
        {
            table.AddRow(Markup.Escape(descriptor.ToString()), "[yellow]Missing[/]", Markup.Escape("not in the cache" + Failure(diff, descriptor)), Owners(diff, descriptor));
        }

        foreach (var stale in diff.StaleDetails)
        {
            var why = string.Join("; ", stale.Reasons.Select(r => r.Description)) + Failure(diff, stale.Descriptor);
            table.AddRow(Markup.Escape(stale.Descriptor.ToString()), "[orange1]Stale[/]", Markup.Escape(why), Owners(diff, stale.Descriptor));
        }

        foreach (var descriptor in diff.Unavailable)
        {
            table.AddRow(Markup.Escape(descriptor.ToString()), "[red]Unavailable[/]", Markup.Escape(diff.SourceError!.Description), Owners(diff, descriptor));
        }

        foreach (var descriptor in diff.Unknown)
        {
            table.AddRow(Markup.Escape(descriptor.ToString()), "[red]Unknown[/]", "not in the descriptor catalogue", Owners(diff, descriptor));
        }

        foreach (var descriptor in diff.Extraneous)
        {
            table.AddRow(Markup.Escape(descriptor.ToString()), "[grey]Extraneous[/]", "cached, no longer requested", string.Empty);
        }

        console.Write(table);
    }

    /// <summary>"; regeneration failed (2 attempts): System.IO.InvalidDataException: …" when the descriptor's last regeneration failed.</summary>
    private static string Failure(CacheDiff diff, Descriptors.DescriptorId descriptor) =>
        diff.Failed.FirstOrDefault(f => f.Descriptor.Equals(descriptor)) is { } failed
            ? string.Create(CultureInfo.InvariantCulture, $"; regeneration failed ({failed.Attempts} {(failed.Attempts == 1 ? "attempt" : "attempts")}, job {failed.JobId}): {failed.ErrorType}: {failed.ErrorMessage}")
            : string.Empty;

    private static string Owners(CacheDiff diff, Descriptors.DescriptorId descriptor) => Markup.Escape(string.Join(", ", diff.GetOwners(descriptor)));
}
