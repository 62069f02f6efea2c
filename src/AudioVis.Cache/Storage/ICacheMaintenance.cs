using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Storage;

/// <summary>
/// Maintenance of the cache as a whole. A lost or corrupt metadata database costs a scan of the feature store, never a
/// re-analysis: every feature blob's header carries what its <see cref="CacheMetadataRecord"/> holds.
/// </summary>
public interface ICacheMaintenance
{
    /// <summary>
    /// Rebuilds the <see cref="ICacheMetadataStore"/> from the <see cref="IFeatureStore"/>: verifies every blob (checksum
    /// included), upserts one batch of records per key (the blob is the truth: a record that disagrees is replaced),
    /// removes records whose blob no longer exists, and moves corrupt blobs aside (<see cref="IFeatureStore.QuarantineAsync"/>),
    /// reporting each one.
    /// </summary>
    /// <param name="cancellationToken">
    /// Cancels the rebuild. Each key is written as a whole (upsert, then removal of its orphan records), so a cancelled
    /// rebuild leaves every key it wrote consistent and the others as they were.
    /// </param>
    /// <returns>What the rebuild found and did.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Run it while nothing else writes to the cache (at start-up, before regeneration starts). A record the rebuild writes
    /// for a blob that an analysis replaces at the same moment can describe the older blob; the differ then reports the
    /// entry stale and it is regenerated, and the next rebuild corrects it. See docs/persistence.md.
    /// </remarks>
    ValueTask<CacheRebuildReport> RebuildMetadataAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks, cheaply, the feature blob of every record in the <see cref="ICacheMetadataStore"/>: that it exists, that its
    /// header and length are a valid blob's for the entry, and that its header agrees with the record
    /// (<see cref="Features.FeatureBlobCorruption.RecordMismatch"/>), without reading its values. A blob that fails is reported to the
    /// differ, whose next diff lists its descriptor stale with <see cref="Diffing.BlobUnusable"/>, so Regenerate All repairs it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check; blobs found so far stay reported.</param>
    /// <returns>How many recorded blobs were found missing or malformed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Meant for start-up: it opens each blob once and reads its first bytes. Damaged values are not found here (that needs the
    /// checksum over the whole blob): reads through the <see cref="Features.IFeatureStore"/> find them, and
    /// <see cref="RebuildMetadataAsync"/> verifies everything. A feature store the library does not know is only checked for existence.
    /// </remarks>
    ValueTask<int> VerifyBlobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads and fully verifies (checksum included) the blobs of up to <paramref name="maxBlobs"/> records, continuing where the
    /// previous call stopped, in key and descriptor order, and starting over after the last record. A blob found corrupt or
    /// missing is reported to the differ, as by <see cref="VerifyBlobsAsync"/>. Call it at a rate the host can afford (on idle
    /// frames, or from a timer) to find damaged values no read has touched yet.
    /// </summary>
    /// <param name="maxBlobs">How many blobs to read in this call: the budget; at least 1.</param>
    /// <param name="cancellationToken">Cancels the scrub; the next call starts at the blob it was reading.</param>
    /// <returns>How many of the blobs read in this call were corrupt or missing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBlobs"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<int> ScrubAsync(int maxBlobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the temporary files that writers which ended mid-write (a crash, a SIGKILL) left in the feature store's folder:
    /// at once those of this machine whose process no longer runs; those of other machines sharing the folder, and of older
    /// library versions, once older than <c>AudioVisCacheOptions.TempFileMaxAge</c>. Never a file of this process, nor a
    /// younger file of a process that may still run. <see cref="RebuildMetadataAsync"/> sweeps first too.
    /// </summary>
    /// <param name="cancellationToken">Stops the sweep between files; files removed so far stay removed.</param>
    /// <returns>How many temporary files were removed, and why, and how many were kept.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Reads names and last write times only (no blob is opened), so it is cheap enough for start-up. Stores other than the
    /// file system's keep no temporary files: the report is then empty. See docs/feature-blobs.md, "Shared folders".
    /// </remarks>
    ValueTask<TempFileSweepReport> SweepTempFilesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The diagnostics panel's "Dismiss": deletes the record and the feature blob of one extraneous descriptor (cached,
    /// but requested by no element) and nothing else, and records a <c>dismissed</c> entry in the <see cref="History.IHistoryStore"/>.
    /// </summary>
    /// <param name="diff">The diff the row belongs to.</param>
    /// <param name="descriptor">The descriptor; it must be in <see cref="Diffing.CacheDiff.Extraneous"/>.</param>
    /// <param name="cancellationToken">Cancels the dismissal before the record is removed; once it is, the blob is deleted too.</param>
    /// <returns>The history entry recorded.</returns>
    /// <exception cref="InvalidOperationException">The descriptor is not extraneous in <paramref name="diff"/>; the message says what it is.</exception>
    /// <remarks>
    /// The record is removed first, then the blob, so a failure in between leaves a blob without a record (which a rebuild
    /// recreates and the diff reports extraneous again), never a record pointing at a deleted blob. A failure is recorded
    /// as a <c>failure</c> entry and rethrown. The diff scheduler re-diffs the key on its next frame.
    /// </remarks>
    ValueTask<History.HistoryEntry> DismissAsync(Diffing.CacheDiff diff, Descriptors.DescriptorId descriptor, CancellationToken cancellationToken = default);
}
