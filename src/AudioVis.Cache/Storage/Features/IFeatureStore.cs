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
/// <item>Equal blobs are stored as equal bytes (the format holds no timestamps or random ids).</item>
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
}
