using System.ComponentModel;
using AudioVis.Cache.Cli.Cluster;
using AudioVis.Cache.Cli.Rendering;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>regenerate</c>.</summary>
internal sealed class RegenerateSettings : SceneSettings
{
    [CommandOption("-d|--descriptor <ID>")]
    [Description("Regenerate only this descriptor (repeatable), wherever an element requests it, even when it is current.")]
    public string[] Descriptors { get; init; } = [];

    [CommandOption("--all")]
    [Description("Regenerate every missing and stale descriptor (the banner's Regenerate All).")]
    public bool All { get; init; }

    [CommandOption("--include-failed")]
    [Description("With --all: also the descriptors whose last regeneration in this run failed.")]
    public bool IncludeFailed { get; init; }

    [CommandOption("--cluster <CONNECTION>")]
    [Description("Submit the jobs to the workers of the cluster whose PostgreSQL database this Npgsql connection string names (the records are read from it), instead of analysing in this process.")]
    public string? Cluster { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("With --cluster: the Orleans cluster id of the workers. Default: audiovis-cache.")]
    public string? ClusterId { get; init; }

    public override ValidationResult Validate() =>
        (All, Descriptors.Length) switch
        {
            (false, 0) => ValidationResult.Error("Name descriptors with --descriptor ID, or pass --all."),
            (true, > 0) => ValidationResult.Error("Pass either --all or --descriptor, not both."),
            (false, _) when IncludeFailed => ValidationResult.Error("--include-failed goes with --all."),
            _ when ClusterId is not null && Cluster is null => ValidationResult.Error("--cluster-id goes with --cluster."),
            _ => ValidationResult.Success(),
        };
}

/// <summary>
/// <c>regenerate &lt;scene&gt;</c>: recomputes the missing and stale descriptors (<c>--all</c>) or the named ones
/// (<c>--descriptor</c>), with progress; Ctrl+C cancels every job and exits with 130.
/// </summary>
internal sealed class RegenerateCommand(CliContext context) : SceneCommand<RegenerateSettings>(context)
{
    protected override ClusterConnection? ClusterOf(RegenerateSettings settings) =>
        settings.Cluster is null ? null : ClusterConnection.Parse("--cluster", settings.Cluster, settings.ClusterId);

    protected override async Task<int> RunAsync(CacheSession session, Scene scene, RegenerateSettings settings, CancellationToken cancellationToken)
    {
        var diffs = session.Diffs;
        Func<IReadOnlyList<RegenerationTicket>> enqueue = settings.All
            ? () => session.Queue.RegenerateAll(diffs, settings.IncludeFailed)
            : Selected(session, ParseDescriptors(settings.Descriptors));
        var outcomes = await RegenerationRunner.RunAsync(Context, session, enqueue, liveLines: true, cancellationToken).ConfigureAwait(false);
        if (outcomes is null)
        {
            await Context.Error.WriteLineAsync("Cancelled: every job was stopped; each descriptor keeps its previous cache entry or none.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }

        await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
        BannerRenderer.Render(Context.Console, session.Banner.Current);
        return outcomes.All(o => o.Succeeded) ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The panel's Regenerate on each row of a named descriptor; a descriptor no element requests is an input error.</summary>
    private static Func<IReadOnlyList<RegenerationTicket>> Selected(CacheSession session, IReadOnlyList<DescriptorId> descriptors)
    {
        var rows = new List<(Diffing.CacheDiff Diff, DescriptorId Descriptor)>();
        foreach (var descriptor in descriptors)
        {
            var requested = session.Diffs.Where(d => d.DescriptorsRequested.Contains(descriptor)).OrderBy(d => d.Key).ToArray();
            if (requested.Length == 0)
            {
                throw new CliInputException($"--descriptor '{descriptor}': no element of the scene requests it.");
            }

            rows.AddRange(requested.Select(d => (d, descriptor)));
        }

        return () => [.. rows.Select(r => session.Queue.Regenerate(r.Diff, r.Descriptor))];
    }

    internal static DescriptorId[] ParseDescriptors(IEnumerable<string> values) =>
    [
        .. values.Select(value =>
        {
            try
            {
                return DescriptorId.Parse(value);
            }
            catch (DescriptorIdFormatException e)
            {
                throw new CliInputException($"--descriptor '{value}': {e.Message.TrimEnd('.')}.", e);
            }
        }).Distinct(),
    ];
}
