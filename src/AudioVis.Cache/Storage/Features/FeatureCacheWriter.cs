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
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> CommitAsync(
        CacheKey key, IReadOnlyList<FeatureBlob> blobs, AnalysisParameters? parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var headers = new FeatureBlobHeader[blobs.Count];
        for (var i = 0; i < blobs.Count; i++)
        {
            headers[i] = (blobs[i] ?? throw new ArgumentNullException(nameof(blobs), $"Blob {i} of the commit for {key} is null.")).Header;
        }

        return CommitCoreAsync(key, headers, parameters, (i, ct) => _features.WriteAsync(blobs[i], ct), nameof(blobs), cancellationToken);
    }

    /// <summary>
    /// Commits blobs written frame by frame (<see cref="IFeatureStore.BeginWriteAsync"/>) exactly as
    /// <see cref="CommitAsync(CacheKey, IReadOnlyList{FeatureBlob}, AnalysisParameters?, CancellationToken)"/> commits whole
    /// blobs: every header is validated and every record built first, then each writer is committed with its header (so
    /// each blob becomes durable and visible), then the records are upserted in one batch. The writers are disposed in
    /// every case, so a failed or cancelled commit leaves no temporary file; blobs already committed stay, and their old
    /// records are removed.
    /// </summary>
    /// <param name="key">The key every blob belongs to.</param>
    /// <param name="blobs">Each writer with the header to commit it with; no two may share a descriptor id.</param>
    /// <param name="parameters">As for whole blobs.</param>
    /// <param name="cancellationToken">As for whole blobs.</param>
    /// <returns>The records written, ordered by descriptor id.</returns>
    /// <exception cref="ArgumentException">A header belongs to another key or another writer, two share a descriptor, or the parameters do not match a revision hash; nothing is committed.</exception>
    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> CommitAsync(
        CacheKey key, IReadOnlyList<(IFeatureBlobWriter Writer, FeatureBlobHeader Header)> blobs, AnalysisParameters? parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            var headers = new FeatureBlobHeader[blobs.Count];
            for (var i = 0; i < blobs.Count; i++)
            {
                var (writer, header) = blobs[i];
                ArgumentNullException.ThrowIfNull(writer, nameof(blobs));
                FeatureStoreDefaults.ThrowIfNotFor(header, writer);
                headers[i] = header;
            }

            return await CommitCoreAsync(key, headers, parameters, (i, ct) => blobs[i].Writer.CommitAsync(blobs[i].Header, ct), nameof(blobs), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            foreach (var (writer, _) in blobs)
            {
                if (writer is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async ValueTask<IReadOnlyList<CacheMetadataRecord>> CommitCoreAsync(
        CacheKey key, FeatureBlobHeader[] headers, AnalysisParameters? parameters, Func<int, CancellationToken, ValueTask> write, string paramName, CancellationToken cancellationToken)
    {
        StoreGuard.ThrowIfDefault(key);
        var analyzedAt = _timeProvider.GetUtcNow();

        // Build (and so validate) every record before writing anything.
        var records = new SortedDictionary<DescriptorId, CacheMetadataRecord>();
        for (var i = 0; i < headers.Length; i++)
        {
            var header = headers[i];
            if (!header.Key.Equals(key))
            {
                throw new ArgumentException($"Blob {i} ({header.Descriptor}) belongs to {header.Key}, not to {key}.", paramName);
            }

            var record = CreateRecord(header, parameters, analyzedAt);
            if (!records.TryAdd(header.Descriptor, record))
            {
                throw new ArgumentException($"The commit for {key} has two blobs for descriptor '{header.Descriptor}'.", paramName);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var replaced = new List<DescriptorId>(headers.Length);
        CacheMetadataRecord[] batch = [.. records.Values];
        try
        {
            for (var i = 0; i < headers.Length; i++)
            {
                // Counted before the write: a write that fails may still have replaced the blob.
                replaced.Add(headers[i].Descriptor);
                await write(i, cancellationToken).ConfigureAwait(false);
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
