using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Commits the result of an analysis: writes every feature blob, and only when all of them are durable, their
/// metadata records through the <see cref="ICacheMetadataStore"/>. A record therefore never points at a blob that
/// is not on disk; a failure in between leaves blobs without records, which the differ reports as missing and
/// regeneration rewrites to identical bytes.
/// </summary>
internal sealed class FeatureCacheWriter
{
    private readonly IFeatureStore _features;
    private readonly ICacheMetadataStore _metadata;
    private readonly TimeProvider _timeProvider;

    public FeatureCacheWriter(IFeatureStore features, ICacheMetadataStore metadata, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _features = features;
        _metadata = metadata;
        _timeProvider = timeProvider;
    }

    /// <summary>Writes the blobs of one {track, profile}, then upserts one record per blob in a single batch.</summary>
    /// <param name="key">The key every blob belongs to.</param>
    /// <param name="blobs">The blobs; no two may share a descriptor id.</param>
    /// <param name="parameters">The parameters the blobs were computed with, recorded so a diff can name changed parameters; <see langword="null"/> when unknown.</param>
    /// <param name="cancellationToken">Cancels the commit; blobs already written stay, records are written all or none.</param>
    /// <returns>The records written, ordered by descriptor id.</returns>
    /// <exception cref="ArgumentException">A blob belongs to another key, two blobs share a descriptor, or the parameters do not match a blob's revision hash; nothing is written.</exception>
    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> CommitAsync(
        CacheKey key, IReadOnlyList<FeatureBlob> blobs, AnalysisParameters? parameters, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(blobs);
        var analyzedAt = _timeProvider.GetUtcNow();

        // Build (and so validate) every record before writing anything.
        var records = new SortedDictionary<DescriptorId, CacheMetadataRecord>();
        for (var i = 0; i < blobs.Count; i++)
        {
            var header = (blobs[i] ?? throw new ArgumentNullException(nameof(blobs), $"Blob {i} of the commit for {key} is null.")).Header;
            if (!header.Key.Equals(key))
            {
                throw new ArgumentException($"Blob {i} ({header.Descriptor}) belongs to {header.Key}, not to {key}.", nameof(blobs));
            }

            var record = new CacheMetadataRecord(
                key,
                header.Descriptor,
                header.ProfileRevisionHash,
                parameters,
                header.SourceContentHash,
                header.CalculatorId,
                header.CalculatorVersion,
                analyzedAt);
            if (!records.TryAdd(header.Descriptor, record))
            {
                throw new ArgumentException($"The commit for {key} has two blobs for descriptor '{header.Descriptor}'.", nameof(blobs));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var blob in blobs)
        {
            await _features.WriteAsync(blob, cancellationToken).ConfigureAwait(false);
        }

        CacheMetadataRecord[] batch = [.. records.Values];
        await _metadata.UpsertAsync(key, batch, cancellationToken).ConfigureAwait(false);
        return batch;
    }
}
