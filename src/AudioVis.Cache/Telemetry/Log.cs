using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Telemetry;

/// <summary>Source-generated log messages; event ids are stable and documented in docs/diagnostics.md.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A subscriber of {Source} threw; publishing continues.")]
    public static partial void SubscriberFailed(ILogger logger, string source, Exception exception);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Diffing {TrackRef} / {AnalysisProfileId} failed; the group stays dirty and is retried next frame.")]
    public static partial void DiffFailed(ILogger logger, string trackRef, string analysisProfileId, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Published cache diff for {TrackRef} / {AnalysisProfileId}: {Missing} missing, {Stale} stale, {Extraneous} extraneous, {Unknown} unknown.")]
    public static partial void DiffPublished(ILogger logger, string trackRef, string analysisProfileId, int missing, int stale, int extraneous, int unknown);
}
