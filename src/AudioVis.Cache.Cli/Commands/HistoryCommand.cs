using System.ComponentModel;
using System.Globalization;
using AudioVis.Cache.Cli.Output;
using AudioVis.Cache.Cli.Rendering;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.History;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>history</c>.</summary>
internal sealed class HistorySettings : CliSettings
{
    [CommandArgument(0, "[scene]")]
    [Description("The scene file whose cache to read (its .audiovis-cache folder). Or pass --cache-dir.")]
    public string? Scene { get; init; }

    [CommandOption("--cache-dir <DIR>")]
    [Description("The cache folder holding audiovis-cache.db.")]
    public string? CacheDirectory { get; init; }

    [CommandOption("--element <ID>")]
    [Description("Only entries an element asked for.")]
    public string? Element { get; init; }

    [CommandOption("--track <REF>")]
    [Description("Only entries of a track reference (the audio path relative to the scene, with /).")]
    public string? Track { get; init; }

    [CommandOption("--status <STATUS>")]
    [Description("Only entries with this status: success or failure.")]
    public string? Status { get; init; }

    [CommandOption("--since <WHEN>")]
    [Description("Only entries from this time on: an ISO 8601 time (UTC unless it has an offset), or an age such as 30m, 12h, 7d.")]
    public string? Since { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many entries, newest first. Default: 100.")]
    public int Limit { get; init; } = 100;

    [CommandOption("--json")]
    [Description("Write machine-readable JSON (docs/cli.md, \"JSON output\") instead of a table.")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        (Scene, CacheDirectory, Limit) switch
        {
            (null, null, _) => ValidationResult.Error("Pass a scene file or --cache-dir to find the cache database."),
            (_, _, < 1) => ValidationResult.Error("--limit must be at least 1."),
            _ => ValidationResult.Success(),
        };
}

/// <summary><c>history</c>: the regeneration history (the audit trail) of a cache, newest first, filtered.</summary>
internal sealed class HistoryCommand(CliContext context) : AsyncCommand<HistorySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext commandContext, HistorySettings settings, CancellationToken cancellationToken)
    {
        var status = settings.Status is { } text ? ParseStatus(text) : (HistoryStatus?)null;
        var from = settings.Since is { } since ? ParseSince(since, context.TimeProvider.GetUtcNow()) : (DateTimeOffset?)null;
        HistoryQuery Query(string? continuationToken) => new()
        {
            ElementId = settings.Element,
            TrackRef = settings.Track,
            Status = status,
            From = from,
            PageSize = Math.Min(settings.Limit, HistoryQuery.MaxPageSize),
            ContinuationToken = continuationToken,
        };

        var query = Query(null);
        var cacheDirectory = settings.CacheDirectory ?? Scene.DefaultCacheDirectoryOf(settings.Scene!);
        var session = CacheSession.OpenExisting(context, cacheDirectory);
        await using (session.ConfigureAwait(false))
        {
            var entries = new List<HistoryEntry>();
            while (entries.Count < settings.Limit)
            {
                var page = await session.History.QueryAsync(query, cancellationToken).ConfigureAwait(false);
                entries.AddRange(page.Entries.Take(settings.Limit - entries.Count));
                if (page.ContinuationToken is null)
                {
                    break;
                }

                query = Query(page.ContinuationToken);
            }

            if (settings.Json)
            {
                CliJson.Write(context, new HistoryJson(CliJson.FormatVersion, [.. entries.Select(CliJson.Entry)]), c => c.HistoryJson);
            }
            else
            {
                HistoryRenderer.Render(context.Console, entries, showDurations: true);
            }
        }

        return ExitCodes.Success;
    }

    private static HistoryStatus ParseStatus(string status) => status switch
    {
        "success" => HistoryStatus.Success,
        "failure" => HistoryStatus.Failure,
        _ => throw new CliInputException($"--status '{status}': expected 'success' or 'failure'."),
    };

    internal static DateTimeOffset ParseSince(string since, DateTimeOffset now)
    {
        if (since.Length > 1 && int.TryParse(since.AsSpan(0, since.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? age = since[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } ago)
            {
                return now - ago;
            }
        }

        return DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new CliInputException($"--since '{since}': expected an ISO 8601 time such as 2026-12-01T20:00:00Z or an age such as 30m, 12h, 7d.");
    }
}
