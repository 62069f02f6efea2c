using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// Composes the diagnostics panel from the diffs, the metadata records (for the last analysis time) and the jobs that are
/// not final (a pure function, so it has snapshot tests). Rows are ordered by descriptor id; reasons are sentences in
/// glossary terms.
/// </summary>
internal static class DiagnosticsPanelComposer
{
    public static DiagnosticsPanelViewModel Compose(
        IReadOnlyList<CacheDiff> diffs,
        IReadOnlyDictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>> records,
        IReadOnlyCollection<RegenerationStatusChanged> activeJobs,
        IReadOnlyList<AnalysisProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(diffs);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(activeJobs);
        ArgumentNullException.ThrowIfNull(profiles);
        var tracks = diffs
            .GroupBy(d => d.TrackRef, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(track => new DiagnosticsTrackSection(
                track.Key,
                [.. track
                    .Select(diff => Section(diff, records.GetValueOrDefault(diff.Key) ?? [], activeJobs, profiles))
                    .OrderBy(s => s.DisplayName, StringComparer.CurrentCultureIgnoreCase)
                    .ThenBy(s => s.AnalysisProfileId, StringComparer.Ordinal)]))
            .ToArray();
        return new DiagnosticsPanelViewModel(tracks);
    }

    /// <summary>Sorts and filters the rows of every section; drops sections and tracks the filter leaves empty.</summary>
    public static DiagnosticsPanelViewModel Apply(DiagnosticsPanelViewModel panel, DiagnosticsPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(preferences);
        if (preferences.Equals(DiagnosticsPreferences.Default))
        {
            return panel;
        }

        Comparison<DiagnosticsRow> compare = preferences.SortBy switch
        {
            DiagnosticsSortKey.Status => static (a, b) => a.Status != b.Status ? a.Status.CompareTo(b.Status) : a.Descriptor.CompareTo(b.Descriptor),
            DiagnosticsSortKey.LastAnalyzedAt => static (a, b) => Nullable.Compare(a.LastAnalyzedAt, b.LastAnalyzedAt) is var c && c != 0 ? c : a.Descriptor.CompareTo(b.Descriptor),
            _ => static (a, b) => a.Descriptor.CompareTo(b.Descriptor),
        };
        Comparison<DiagnosticsRow> ordered = preferences.Descending ? (a, b) => compare(b, a) : compare;
        var tracks = new List<DiagnosticsTrackSection>(panel.Tracks.Count);
        foreach (var track in panel.Tracks)
        {
            var sections = new List<DiagnosticsProfileSection>(track.Profiles.Count);
            foreach (var section in track.Profiles)
            {
                var rows = section.Rows.Where(r => preferences.Shows(r.Status)).ToList();
                rows.Sort(ordered);
                if (rows.Count > 0)
                {
                    sections.Add(section with { Rows = rows });
                }
            }

            if (sections.Count > 0)
            {
                tracks.Add(track with { Profiles = sections });
            }
        }

        return new DiagnosticsPanelViewModel(tracks);
    }

    /// <summary>A stale reason in words, e.g. <c>FFT size changed from 2048 to 4096</c>.</summary>
    internal static string Words(StaleReason reason) => reason switch
    {
        ProfileParametersChanged changed => string.Join("; ", changed.Changes.Select(c => c.Sentence)),
        SourceChanged => "The source audio changed",
        CalculatorChanged calculator => string.Create(CultureInfo.InvariantCulture, $"The calculator was updated (version {calculator.CachedVersion} → {calculator.CurrentVersion})"),
        RevisionUnknown => "The analysis profile changed since it was computed",
        ProfileDeleted deleted => $"The analysis profile '{deleted.ProfileId}' was deleted",
        BlobUnusable blob => Capitalise(blob.Description),
        _ => Capitalise(reason.Description),
    };

    private static DiagnosticsProfileSection Section(
        CacheDiff diff, IReadOnlyList<CacheMetadataRecord> records, IReadOnlyCollection<RegenerationStatusChanged> activeJobs, IReadOnlyList<AnalysisProfile> profiles)
    {
        var analyzedAt = records.ToDictionary(r => r.Descriptor, r => r.AnalyzedAt);
        var regenerating = new Dictionary<DescriptorId, double>();
        foreach (var job in activeJobs)
        {
            if (job.Key.Equals(diff.Key) && !job.IsFinal && job.Status != RegenerationStatus.NeedsReplacementProfile)
            {
                foreach (var descriptor in job.Descriptors)
                {
                    regenerating[descriptor] = job.Progress;
                }
            }
        }

        var rows = new List<DiagnosticsRow>(diff.DescriptorsRequested.Count + diff.Extraneous.Count);
        foreach (var descriptor in diff.DescriptorsRequested)
        {
            rows.Add(Row(diff, descriptor, analyzedAt.TryGetValue(descriptor, out var at) ? at : null, regenerating));
        }

        foreach (var descriptor in diff.Extraneous)
        {
            rows.Add(new DiagnosticsRow(descriptor, DiagnosticsStatus.Extraneous, analyzedAt.TryGetValue(descriptor, out var at) ? at : null, "No element requests it", [], [DiagnosticsRowAction.Dismiss], null));
        }

        rows.Sort(static (a, b) => a.Descriptor.CompareTo(b.Descriptor));
        var displayName = profiles.FirstOrDefault(p => string.Equals(p.Id, diff.AnalysisProfileId, StringComparison.Ordinal))?.DisplayName ?? diff.AnalysisProfileId;
        return new DiagnosticsProfileSection(diff.AnalysisProfileId, displayName, rows);
    }

    private static DiagnosticsRow Row(CacheDiff diff, DescriptorId descriptor, DateTimeOffset? analyzedAt, Dictionary<DescriptorId, double> regenerating)
    {
        var owners = diff.GetOwners(descriptor);
        if (diff.Unknown.Contains(descriptor))
        {
            return new DiagnosticsRow(descriptor, DiagnosticsStatus.Unknown, analyzedAt, "Not a descriptor the catalogue knows", owners, [], null);
        }

        if (diff.Unavailable.Contains(descriptor))
        {
            return new DiagnosticsRow(descriptor, DiagnosticsStatus.Unavailable, analyzedAt, Capitalise(diff.SourceError!.Description), owners, [], null);
        }

        if (diff.Current.Contains(descriptor))
        {
            return new DiagnosticsRow(descriptor, DiagnosticsStatus.Current, analyzedAt, string.Empty, owners, [DiagnosticsRowAction.Regenerate], null);
        }

        var stale = diff.GetStaleReasons(descriptor);
        var why = stale.Count > 0 ? string.Join("; ", stale.Select(Words)) : "Not computed yet";
        if (regenerating.TryGetValue(descriptor, out var progress))
        {
            var percent = (int)Math.Floor(progress * 100);
            return new DiagnosticsRow(descriptor, DiagnosticsStatus.Regenerating, analyzedAt, string.Create(CultureInfo.InvariantCulture, $"Regenerating ({percent}% done); {Lower(why)}"), owners, [], null);
        }

        if (diff.Failed.FirstOrDefault(f => f.Descriptor.Equals(descriptor)) is { } failed)
        {
            var attempts = failed.Attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{failed.Attempts} attempts");
            return new DiagnosticsRow(descriptor, DiagnosticsStatus.Failed, analyzedAt, $"Regeneration failed after {attempts}: {failed.ErrorMessage} ({Lower(why)})", owners, [DiagnosticsRowAction.Retry, DiagnosticsRowAction.Regenerate], failed.JobId);
        }

        return new DiagnosticsRow(descriptor, stale.Count > 0 ? DiagnosticsStatus.Stale : DiagnosticsStatus.Missing, analyzedAt, why, owners, [DiagnosticsRowAction.Regenerate], null);
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // Lower-cases the first letter, unless the first word is an abbreviation such as "FFT".
    private static string Lower(string text) =>
        text.Length > 1 && char.IsUpper(text[1]) ? text : text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
}
