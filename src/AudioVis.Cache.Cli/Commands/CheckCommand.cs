using System.Globalization;
using AudioVis.Cache.Cli.Output;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diffing;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>
/// <c>check &lt;scene&gt;</c>, for build pipelines: exit 0 when every requested descriptor is current, 3 when any is
/// missing, stale, failed or unavailable (its track cannot be read).
/// </summary>
internal sealed class CheckCommand(CliContext context) : SceneCommand<ReadSceneSettings>(context)
{
    protected override Task<int> RunAsync(CacheSession session, Scene scene, ReadSceneSettings settings, CancellationToken cancellationToken)
    {
        var diffs = session.Diffs;
        var problems = Problems(diffs);
        var counts = CliJson.Counts(diffs);
        var exitCode = problems.Count == 0 ? ExitCodes.Success : ExitCodes.NotClean;
        if (settings.Json)
        {
            CliJson.Write(Context, new CheckJson(CliJson.FormatVersion, scene.SceneId, problems.Count == 0, exitCode, counts, problems), c => c.CheckJson);
            return Task.FromResult(exitCode);
        }

        if (problems.Count == 0)
        {
            Context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[green]Clean:[/] all {counts.Requested} requested descriptors are current."));
            return Task.FromResult(exitCode);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Track · profile").AddColumn("Descriptor").AddColumn("Status").AddColumn("Reason");
        foreach (var problem in problems)
        {
            table.AddRow(
                Markup.Escape($"{problem.TrackRef} · {problem.AnalysisProfileId}"),
                Markup.Escape(problem.DescriptorId),
                Markup.Escape(problem.Status),
                Markup.Escape(problem.Reason));
        }

        Context.Console.Write(table);
        Context.Console.MarkupLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[red]Not clean:[/] {counts.Missing} missing, {counts.Stale} stale, {counts.Failed} failed, {counts.Unavailable} unavailable of {counts.Requested} requested descriptors."));
        return Task.FromResult(exitCode);
    }

    private static List<ProblemJson> Problems(IReadOnlyList<CacheDiff> diffs)
    {
        var problems = new List<ProblemJson>();
        foreach (var diff in diffs.OrderBy(d => d.Key))
        {
            foreach (var missing in diff.Missing)
            {
                problems.Add(Problem(diff, missing, "missing", "not in the cache"));
            }

            foreach (var stale in diff.StaleDetails)
            {
                problems.Add(Problem(diff, stale.Descriptor, "stale", string.Join("; ", stale.Reasons.Select(r => r.Description))));
            }

            foreach (var unavailable in diff.Unavailable)
            {
                problems.Add(Problem(diff, unavailable, "unavailable", diff.SourceError?.Description ?? "the track cannot be read"));
            }
        }

        return problems;
    }

    private static ProblemJson Problem(CacheDiff diff, Descriptors.DescriptorId descriptor, string status, string reason)
    {
        if (diff.Failed.FirstOrDefault(f => f.Descriptor.Equals(descriptor)) is { } failed)
        {
            (status, reason) = ("failed", $"{reason}; regeneration failed: {failed.ErrorType}: {failed.ErrorMessage}");
        }

        return new ProblemJson(diff.TrackRef, diff.AnalysisProfileId, descriptor.ToString(), status, reason);
    }
}
