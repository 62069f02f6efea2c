using System.ComponentModel;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>dismiss</c>.</summary>
internal sealed class DismissSettings : SceneSettings
{
    [CommandOption("-d|--descriptor <ID>")]
    [Description("Dismiss only this extraneous descriptor (repeatable). Default: every extraneous descriptor.")]
    public string[] Descriptors { get; init; } = [];
}

/// <summary>
/// <c>dismiss &lt;scene&gt;</c>: removes extraneous cache entries (cached, requested by no element) — the panel's
/// Dismiss — from the scene's groups and from cached groups no element requests any more, whose profile the scene
/// still declares. Each dismissal is recorded in the history.
/// </summary>
internal sealed class DismissCommand(CliContext context) : SceneCommand<DismissSettings>(context)
{
    protected override async Task<int> RunAsync(CacheSession session, Scene scene, DismissSettings settings, CancellationToken cancellationToken)
    {
        var only = RegenerateCommand.ParseDescriptors(settings.Descriptors);
        var diffs = await ExtraneousDiffsAsync(session, cancellationToken).ConfigureAwait(false);
        var dismissed = 0;
        foreach (var diff in diffs)
        {
            foreach (var descriptor in diff.Extraneous.Where(d => only.Length == 0 || only.Contains(d)))
            {
                await session.Maintenance.DismissAsync(diff, descriptor, cancellationToken).ConfigureAwait(false);
                Context.Console.MarkupLineInterpolated($"Dismissed [bold]{descriptor}[/] of {diff.TrackRef} · {diff.AnalysisProfileId}");
                dismissed++;
            }
        }

        var unmatched = only.Where(d => !diffs.Any(diff => diff.Extraneous.Contains(d))).ToArray();
        if (unmatched.Length > 0)
        {
            throw new CliInputException($"--descriptor {string.Join(", ", unmatched.Select(d => $"'{d}'"))}: not extraneous anywhere in the cache (only cached descriptors no element requests can be dismissed).");
        }

        Context.Console.MarkupLineInterpolated($"{dismissed} extraneous {(dismissed == 1 ? "entry" : "entries")} dismissed.");
        return ExitCodes.Success;
    }

    /// <summary>The scene's diffs, plus a diff with no intents for each cached group of a declared profile that no element requests.</summary>
    private async Task<IReadOnlyList<CacheDiff>> ExtraneousDiffsAsync(CacheSession session, CancellationToken cancellationToken)
    {
        var diffs = session.Diffs.ToList();
        var profiles = session.Services.GetRequiredService<IAnalysisProfileRegistry>();
        var differ = session.Services.GetRequiredService<ICacheDiffer>();
        var keys = await session.Services.GetRequiredService<ICacheMetadataStore>().GetKeysAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in keys.Where(k => !diffs.Any(d => d.Key.Equals(k))))
        {
            if (profiles.TryGet(key.AnalysisProfileId, out _))
            {
                diffs.Add(await differ.DiffAsync(key, [], cancellationToken).ConfigureAwait(false));
            }
            else
            {
                Context.Console.MarkupLineInterpolated($"[grey]Kept the entries of {key.TrackRef} · {key.AnalysisProfileId}: the scene does not declare the profile '{key.AnalysisProfileId}' (declare it again to dismiss them).[/]");
            }
        }

        return [.. diffs.Where(d => d.Extraneous.Count > 0).OrderBy(d => d.Key)];
    }
}
