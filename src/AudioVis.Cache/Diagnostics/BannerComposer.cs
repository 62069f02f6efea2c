using System.Globalization;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.Diagnostics;

/// <summary>What the banner is composed from: the current diffs, the jobs not yet final, the worker and export gates.</summary>
/// <param name="Diffs">The latest diff of every {track, profile} group.</param>
/// <param name="ActiveJobs">The latest status of every job that is not final.</param>
/// <param name="WorkerAvailable">Whether the analysis worker is available.</param>
/// <param name="ExportInProgress">Whether an export is in progress.</param>
/// <param name="Profiles">The registered profiles (display names, replacement candidates).</param>
/// <param name="EstimatedDuration">The cost preview of Regenerate All, when known.</param>
/// <param name="Enabled">Whether the diagnostics feature flag is on.</param>
internal sealed record BannerInputs(
    IReadOnlyList<CacheDiff> Diffs,
    IReadOnlyCollection<RegenerationStatusChanged> ActiveJobs,
    bool WorkerAvailable,
    bool ExportInProgress,
    IReadOnlyList<AnalysisProfile> Profiles,
    TimeSpan? EstimatedDuration,
    bool Enabled);

/// <summary>
/// Composes the banner (a pure function, so every state has a snapshot test). Visible exactly when the flag is on and the
/// diffs have missing + stale &gt; 0; the state is the first that applies of: a deleted profile (blocking), paused (worker
/// offline), queued after export, regenerating, failed, needs regeneration.
/// </summary>
internal static class BannerComposer
{
    public static BannerViewModel Compose(BannerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var needing = inputs.Diffs.Sum(d => d.Missing.Count + d.Stale.Count);
        if (!inputs.Enabled || needing == 0)
        {
            return BannerViewModel.Hidden;
        }

        var deleted = DeletedProfiles(inputs);
        if (deleted.Length > 0)
        {
            var waiting = inputs.Diffs.Where(d => d.IsProfileDeleted).Sum(d => d.Missing.Count + d.Stale.Count);
            var names = string.Join(" and ", deleted.Select(p => $"'{p.DisplayName}'"));
            var message = deleted.Length == 1
                ? $"The analysis profile {names} was deleted. Choose a replacement profile to regenerate {Count(waiting, "descriptor")}."
                : $"The analysis profiles {names} were deleted. Choose replacement profiles to regenerate {Count(waiting, "descriptor")}.";
            var candidates = inputs.Profiles
                .Select(p => new ProfileChoice(p.Id, p.DisplayName))
                .OrderBy(p => p.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(p => p.Id, StringComparer.Ordinal)
                .ToArray();
            return new BannerViewModel(BannerState.ProfileDeleted, message, needing, null, null, [BannerAction.ChooseReplacementProfile, BannerAction.OpenDiagnostics, BannerAction.LearnMore], deleted, candidates, []);
        }

        var active = inputs.ActiveJobs.Where(j => !j.IsFinal && j.Status != RegenerationStatus.NeedsReplacementProfile).ToArray();
        var inJobs = active.Sum(j => j.Descriptors.Count);
        if (!inputs.WorkerAvailable)
        {
            var message = inJobs > 0
                ? $"Regeneration paused: the analysis worker is offline. {Count(inJobs, "descriptor")} will regenerate when it reconnects."
                : $"Regeneration paused: the analysis worker is offline. {Count(needing, "descriptor")} {Require(needing)} regeneration.";
            return Make(BannerState.Paused, message, needing, null, null, [BannerAction.OpenDiagnostics, BannerAction.LearnMore]);
        }

        if (inputs.ExportInProgress && inJobs > 0)
        {
            return Make(BannerState.QueuedAfterExport, $"Queued after export: {Count(inJobs, "descriptor")} will regenerate when the export finishes.", needing, null, null, [BannerAction.OpenDiagnostics, BannerAction.LearnMore]);
        }

        if (inJobs > 0)
        {
            var progress = active.Sum(j => j.Progress * j.Descriptors.Count) / inJobs;
            var percent = (int)Math.Floor(progress * 100);
            return Make(BannerState.Regenerating, $"Regenerating {Count(inJobs, "descriptor")}: {percent.ToString(CultureInfo.InvariantCulture)}% done.", needing, progress, null, [BannerAction.OpenDiagnostics, BannerAction.LearnMore]);
        }

        var failed = inputs.Diffs.SelectMany(d => d.Failed).ToArray();
        if (failed.Length > 0)
        {
            var others = needing - failed.Length;
            var message = $"{Count(failed.Length, "descriptor")} failed to regenerate."
                + (others > 0 ? $" {Count(others, "other descriptor")} {Require(others)} regeneration." : string.Empty);
            BannerAction[] actions = others > 0
                ? [BannerAction.Retry, BannerAction.RegenerateAll, BannerAction.OpenDiagnostics, BannerAction.LearnMore]
                : [BannerAction.Retry, BannerAction.OpenDiagnostics, BannerAction.LearnMore];
            long[] jobs = [.. failed.Select(f => f.JobId).Distinct().Order()];
            return new BannerViewModel(BannerState.Failed, message, needing, null, null, actions, [], [], jobs);
        }

        var profileIds = inputs.Diffs.Where(d => d.RequiresRegeneration).Select(d => d.AnalysisProfileId).Distinct(StringComparer.Ordinal).ToArray();
        var target = profileIds.Length == 1
            ? $"the '{DisplayName(inputs.Profiles, profileIds[0])}' profile"
            : $"{profileIds.Length.ToString(CultureInfo.InvariantCulture)} analysis profiles";
        var text = $"{Count(needing, "descriptor")} {Require(needing)} regeneration to match {target}."
            + (inputs.EstimatedDuration is { } estimate ? $" Estimated time: {Format(estimate)}." : string.Empty);
        return Make(BannerState.NeedsRegeneration, text, needing, null, inputs.EstimatedDuration, [BannerAction.RegenerateAll, BannerAction.OpenDiagnostics, BannerAction.LearnMore]);
    }

    /// <summary>Formats a duration for people: <c>less than a second</c>, <c>about 12 s</c>, <c>about 3 min</c>, <c>about 1 h 20 min</c>.</summary>
    internal static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => "less than a second",
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"about {Math.Ceiling(duration.TotalSeconds)} s"),
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"about {Math.Ceiling(duration.TotalMinutes)} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"about {(int)duration.TotalHours} h {Math.Ceiling(duration.TotalMinutes % 60)} min"),
    };

    private static BannerViewModel Make(BannerState state, string message, int needing, double? progress, TimeSpan? estimate, BannerAction[] actions) =>
        new(state, message, needing, progress, estimate, actions, [], [], []);

    private static ProfileChoice[] DeletedProfiles(BannerInputs inputs)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var diff in inputs.Diffs)
        {
            if (diff.IsProfileDeleted && diff.RequiresRegeneration)
            {
                ids.Add(diff.AnalysisProfileId);
            }
        }

        foreach (var job in inputs.ActiveJobs)
        {
            if (job.Status == RegenerationStatus.NeedsReplacementProfile)
            {
                ids.Add(job.Key.AnalysisProfileId);
            }
        }

        // A deleted profile has no display name any more: its id is what the user saw last.
        return [.. ids.Select(id => new ProfileChoice(id, id))];
    }

    private static string DisplayName(IReadOnlyList<AnalysisProfile> profiles, string id) =>
        profiles.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal))?.DisplayName ?? id;

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    private static string Require(int count) => count == 1 ? "requires" : "require";
}
