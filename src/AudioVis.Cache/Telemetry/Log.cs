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

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Track {TrackRef} cannot be read ({Problem}): {Reason} Its descriptors are reported unavailable; it is checked again when the file changes.")]
    public static partial void SourceUnreadable(ILogger logger, string trackRef, Storage.TrackSourceProblem problem, string reason);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Track {TrackRef} can be read again.")]
    public static partial void SourceReadableAgain(ILogger logger, string trackRef);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "The audio of track {TrackRef} changed (content hash {Before} → {After}); its cached entries are stale.")]
    public static partial void SourceChanged(ILogger logger, string trackRef, string before, string after);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Debug, Message = "Track {TrackRef} has no intents left; it is no longer watched.")]
    public static partial void SourceUnwatched(ILogger logger, string trackRef);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Information, Message = "Folder {Folder} cannot be watched ({Reason}); its tracks are checked every poll interval only.")]
    public static partial void SourceWatchUnavailable(ILogger logger, string folder, string reason);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Error, Message = "Checking the source of track {TrackRef} failed unexpectedly; it is checked again at the next change or poll.")]
    public static partial void SourceCheckFailed(ILogger logger, string trackRef, Exception exception);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Warning, Message = "The source fingerprint file {Path} was ignored ({Reason}); tracks are decoded again to learn their content hashes.")]
    public static partial void SourceFingerprintsIgnored(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1117, Level = LogLevel.Warning, Message = "The source fingerprint file {Path} could not be saved; tracks will be decoded again after a restart.")]
    public static partial void SourceFingerprintsNotSaved(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "The diagnostics preferences in {Path} were ignored ({Reason}); the panel uses the defaults until they are saved again.")]
    public static partial void PreferencesIgnored(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The cost preview could not read the regeneration history; the banner shows no estimate until the next regeneration.")]
    public static partial void CostEstimateFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Regeneration job {JobId} for {TrackRef} / {AnalysisProfileId} failed after {Attempts} attempt(s).")]
    public static partial void JobFailed(ILogger logger, long jobId, string trackRef, string analysisProfileId, int attempts, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Regeneration job {JobId} for {TrackRef} / {AnalysisProfileId} failed on attempt {Attempt} of {MaxAttempts}; retrying in {Delay}.")]
    public static partial void JobRetrying(ILogger logger, long jobId, string trackRef, string analysisProfileId, int attempt, int maxAttempts, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Regeneration job {JobId} for {TrackRef} was not run: analysis profile '{AnalysisProfileId}' was deleted; it waits for a replacement profile.")]
    public static partial void JobNeedsReplacementProfile(ILogger logger, long jobId, string trackRef, string analysisProfileId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Regeneration job {JobId} for {TrackRef} was re-targeted to analysis profile '{AnalysisProfileId}'.")]
    public static partial void JobRetargeted(ILogger logger, long jobId, string trackRef, string analysisProfileId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Regeneration job {JobId} for {TrackRef} / {AnalysisProfileId} failed while the analysis worker was unavailable; it waits for the worker without spending an attempt.")]
    public static partial void JobDeferredWhileUnavailable(ILogger logger, long jobId, string trackRef, string analysisProfileId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Regeneration paused: the analysis worker is unavailable; {Jobs} job(s) kept.")]
    public static partial void QueuePaused(ILogger logger, int jobs);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "The regeneration queue did not stop within {Timeout}; {Running} running job(s) were reported cancelled.")]
    public static partial void DisposeTimedOut(ILogger logger, int running, TimeSpan timeout);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Critical, Message = "The regeneration dispatcher faulted; every waiting job was reported failed.")]
    public static partial void DispatcherFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "The regeneration worker faulted while completing job {JobId}; the job was reported failed.")]
    public static partial void WorkerFaulted(ILogger logger, long jobId, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "A cancellation callback of a regeneration job threw.")]
    public static partial void CancellationCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Auto-regeneration skipped the diff of {TrackRef} / {AnalysisProfileId}.")]
    public static partial void AutoRegenerateSkipped(ILogger logger, string trackRef, string analysisProfileId, Exception exception);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Disposing the regeneration queue, started synchronously from a status or job-ended handler, failed.")]
    public static partial void DisposeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Appending {Count} history entries failed; they are missing from the audit history.")]
    public static partial void HistoryAppendFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "History entries were still being appended when the regeneration queue stopped waiting for them after {Timeout}.")]
    public static partial void HistoryFlushTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "History entry {EntryId} for {TrackRef} / {AnalysisProfileId} was recorded after the history logger stopped; it was not stored.")]
    public static partial void HistoryEntryDropped(ILogger logger, Guid entryId, string trackRef, string analysisProfileId);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "The previous export manifest {Path} could not be read; the new manifest has no previous export time.")]
    public static partial void PreviousManifestUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Wrote the export manifest {Path}: {Entries} history entries, {SincePrevious} since the previous export.")]
    public static partial void ManifestWritten(ILogger logger, string path, int entries, int sincePrevious);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Rebuilding the cache metadata from the feature store.")]
    public static partial void RebuildStarted(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Feature blob '{Location}' is corrupt ({Reason}) and was moved to '{QuarantinedTo}'; its entry will be regenerated.")]
    public static partial void BlobQuarantined(ILogger logger, string location, string reason, string quarantinedTo, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Feature blob '{Location}' was reported corrupt ({Reason}) but was not quarantined: it is gone or was rewritten since the scan.")]
    public static partial void BlobNotQuarantined(ILogger logger, string location, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Rebuilt the cache metadata: {BlobsScanned} blob(s) scanned, {Keys} key(s), {RecordsWritten} record(s) written, {RecordsRemoved} removed, {Quarantined} blob(s) quarantined.")]
    public static partial void RebuildCompleted(ILogger logger, int blobsScanned, int keys, int recordsWritten, int recordsRemoved, int quarantined);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "The cache metadata rebuild was cancelled after {KeysDone} of {Keys} key(s); every key written so far is consistent.")]
    public static partial void RebuildCancelled(ILogger logger, int keysDone, int keys);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Feature blob '{Location}' is unusable ({Reason}): its descriptor is reported stale until it is regenerated.")]
    public static partial void BlobUnusable(ILogger logger, string location, string reason);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Checked the feature blobs of {Blobs} record(s): {Unusable} missing or malformed.")]
    public static partial void BlobsVerified(ILogger logger, int blobs, int unusable);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "Swept the temporary files of the feature store: {Removed} removed ({EndedProcesses} of ended processes, {ByAge} older than {MaxAge}), {Kept} kept.")]
    public static partial void TempFilesSwept(ILogger logger, int removed, int endedProcesses, int byAge, TimeSpan maxAge, int kept);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Dismissed extraneous descriptor {Descriptor} of {TrackRef} / {AnalysisProfileId}: its record and feature blob were deleted.")]
    public static partial void DescriptorDismissed(ILogger logger, string descriptor, string trackRef, string analysisProfileId);
}
