using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Commits the result of an analysis: writes every feature blob, and only when all of them are durable, their
/// metadata records through the <see cref="ICacheMetadataStore"/>. A record therefore never points at a blob that
/// is not on disk; a failure in between leaves blobs without records, which the differ reports as missing and
/// regeneration rewrites to identical bytes. When a commit fails after replacing some blobs, the old records of
/// those descriptors are removed (best effort), so no record describes a blob it did not produce.
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

    /// <summary>
    /// Writes the blobs of one {track, profile}, then upserts one record per blob in a single batch. Each record is
    /// what the blob's header says (see <see cref="CreateRecord"/>), so metadata rebuilt from the blobs equals it.
    /// </summary>
    /// <param name="key">The key every blob belongs to.</param>
    /// <param name="blobs">The blobs; no two may share a descriptor id.</param>
    /// <param name="parameters">
    /// The parameters the blobs were computed with, recorded so a diff can name changed parameters, for blobs whose header
    /// does not carry them; <see langword="null"/> when unknown.
    /// </param>
    /// <param name="cancellationToken">
    /// Cancels the commit; blobs already written stay (their old records are removed), new records are written all or none.
    /// </param>
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

            var record = CreateRecord(header, parameters, analyzedAt);
            if (!records.TryAdd(header.Descriptor, record))
            {
                throw new ArgumentException($"The commit for {key} has two blobs for descriptor '{header.Descriptor}'.", nameof(blobs));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var replaced = new List<DescriptorId>(blobs.Count);
        CacheMetadataRecord[] batch = [.. records.Values];
        try
        {
            foreach (var blob in blobs)
            {
                // Counted before the write: a write that fails may still have replaced the blob.
                replaced.Add(blob.Header.Descriptor);
                await _features.WriteAsync(blob, cancellationToken).ConfigureAwait(false);
            }

            await _metadata.UpsertAsync(key, batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ForgetReplacedAsync(key, replaced).ConfigureAwait(false);
            throw;
        }

        return batch;
    }

    /// <summary>
    /// The record of a blob: everything from its header; <see cref="FeatureBlobHeader.Parameters"/> and
    /// <see cref="FeatureBlobHeader.WrittenAt"/> when the header carries them, else <paramref name="parameters"/> and
    /// <paramref name="analyzedAt"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> do not hash to the header's revision.</exception>
    internal static CacheMetadataRecord CreateRecord(FeatureBlobHeader header, AnalysisParameters? parameters, DateTimeOffset analyzedAt) =>
        new(
            header.Key,
            header.Descriptor,
            header.ProfileRevisionHash,
            header.Parameters ?? parameters,
            header.SourceContentHash,
            header.CalculatorId,
            header.CalculatorVersion,
            header.WrittenAt ?? analyzedAt);

    /// <summary>
    /// After a failed commit, removes the old records of the descriptors whose blobs may have been replaced, so no
    /// record describes a blob it did not produce: those entries read as missing and are regenerated. Best effort:
    /// the commit's own exception is the one reported.
    /// </summary>
    private async ValueTask ForgetReplacedAsync(CacheKey key, List<DescriptorId> replaced)
    {
        if (replaced.Count == 0)
        {
            return;
        }

        try
        {
            await _metadata.RemoveAsync(key, replaced, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The metadata store is failing too; the blob headers still name their true provenance.
        }
    }
}
