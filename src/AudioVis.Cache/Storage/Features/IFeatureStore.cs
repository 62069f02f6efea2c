using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Where feature blobs live: one verified, versioned binary blob per {track, profile, descriptor, channel}
/// (the channel is part of the <see cref="DescriptorId"/>, so <c>rms@L</c> and <c>rms@R</c> are separate blobs).
/// </summary>
/// <remarks>
/// <para>Contract:</para>
/// <list type="bullet">
/// <item>A write is atomic and durable when it completes: a reader sees the previous blob or the new one, never a
/// mix, and a failed or cancelled write leaves the previous blob as it was. Concurrent writes of one blob: the last
/// to complete wins.</item>
/// <item>A read verifies the blob (magic, version, length, checksum, and that its header names the requested
/// {track, profile, descriptor}); a blob that fails is reported with <see cref="CorruptFeatureBlobException"/> and
/// never returned. One corrupt blob does not affect the others.</item>
/// <item>Equal blobs are stored as equal bytes (the only time-dependent field, <see cref="FeatureBlobHeader.WrittenAt"/>, is part of the blob).</item>
/// <item><see cref="ScanAsync"/> verifies every stored blob (the whole blob, checksum included) and so is as expensive as
/// reading them all; it is for maintenance (<see cref="ICacheMaintenance"/>), not for the hot path. A corrupt blob is never
/// deleted by the store: <see cref="QuarantineAsync"/> moves it aside, where nothing reads it.</item>
/// <item>Write the <see cref="CacheMetadataRecord"/> for a blob to the <see cref="ICacheMetadataStore"/> only after
/// <see cref="WriteAsync"/> has completed, so a record never points at a blob that is not durable.</item>
/// <item>A cancelled token throws <see cref="OperationCanceledException"/>; all members are safe to call concurrently.</item>
/// </list>
/// </remarks>
public interface IFeatureStore
{
    /// <summary>Stores a blob under its header's key and descriptor, replacing any previous one atomically.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write leaves the previous blob (or none) in place.</param>
    /// <returns>A task that completes when the blob is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="blob"/> is <see langword="null"/>.</exception>
    ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default);

    /// <summary>Reads and verifies a blob.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The blob, or <see langword="null"/> when none is stored.</returns>
    /// <exception cref="CorruptFeatureBlobException">The stored blob fails verification; the message names where it is stored and what is wrong.</exception>
    ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="true"/> when a blob was deleted; <see langword="false"/> when none was stored.</returns>
    ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default);

    /// <summary>Lists the descriptors that have a stored blob for one {track, profile}, without verifying the blobs.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The descriptor ids, ordered ordinally; empty when none.</returns>
    ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enumerates every blob in the store, across all keys, verifying each one as <see cref="ReadAsync"/> does. Keys come
    /// from the blobs' headers. Files or entries the store would never write are skipped; a blob deleted during the scan
    /// is skipped; a quarantined blob is not part of the store.
    /// </summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>One entry per stored blob, in an order stable for an unchanged store; each holds the verified header or the corruption found.</returns>
    IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a corrupt blob out of the store, never deleting it: reads and scans no longer see it, and it is kept for
    /// inspection. The blob is verified again first; one that now verifies (rewritten since it was scanned) is left in place.
    /// </summary>
    /// <param name="location">The <see cref="FeatureStoreEntry.Location"/> of a blob found by <see cref="ScanAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the move; a cancelled move leaves the blob where it was.</param>
    /// <returns>Where the blob was moved; <see langword="null"/> when nothing was moved because no blob is stored at <paramref name="location"/> any more or it now verifies.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="location"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="location"/> is not a location this store gives its blobs; the message names it.</exception>
    ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default);

    /// <summary>
    /// Begins a streamed write of one blob: append its frames as they are computed, then commit it with its header. Nothing
    /// is visible until the commit completes, which replaces any previous blob atomically, as <see cref="WriteAsync"/> does.
    /// </summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <param name="valuesPerFrame">The number of values in each frame (1 or more).</param>
    /// <param name="expectedFrameCount">
    /// How many frames will be appended, when known (a hint: more or fewer may come); lets a store that keeps blobs in
    /// memory allocate the blob's array once. <see langword="null"/> when unknown.
    /// </param>
    /// <param name="encoding">
    /// How the values will be stored (<see cref="FeatureBlobHeader.Encoding"/>); the header committed must declare the same.
    /// <see langword="null"/> for <see cref="FeatureValueEncoding.Float32"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the start of the write.</param>
    /// <returns>
    /// The writer; dispose it (committed or not) to release what it holds. The default implementation buffers the frames in
    /// memory and calls <see cref="WriteAsync"/> on commit; the library's file store writes chunks to a
    /// temporary file as they come, so its memory use does not grow with the track.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="valuesPerFrame"/> is less than 1 (or, for a file store, a frame would exceed 1 GiB).</exception>
    ValueTask<IFeatureBlobWriter> BeginWriteAsync(
        CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        FeatureStoreDefaults.BeginBufferedWrite(this, key, descriptor, valuesPerFrame, expectedFrameCount, encoding, cancellationToken);

    /// <summary>
    /// Opens a blob for random access to its frames without loading it whole, verifying its structure (and, as frames are
    /// read, each chunk) as <see cref="ReadAsync"/> verifies the whole blob.
    /// </summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>
    /// The reader (dispose it), or <see langword="null"/> when no blob is stored. The default implementation reads the whole
    /// blob with <see cref="ReadAsync"/>; the library's file store maps a version-3 blob into memory.
    /// </returns>
    /// <exception cref="CorruptFeatureBlobException">The blob's header, index or footer fails verification (the default implementation: any part of it).</exception>
    ValueTask<IFeatureBlobReader?> OpenReaderAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        FeatureStoreDefaults.OpenBlobReaderAsync(this, key, descriptor, cancellationToken);
}
