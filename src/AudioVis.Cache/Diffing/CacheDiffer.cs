using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <inheritdoc/>
internal sealed class CacheDiffer(
    ICacheMetadataStore store,
    IAnalysisProfileRegistry profiles,
    IDescriptorCatalog catalog,
    ITrackSourceHashProvider sourceHashes,
    RegenerationFailures? failures = null,
    BlobHealth? blobHealth = null) : ICacheDiffer
{
    public async ValueTask<CacheDiff> DiffAsync(CacheKey key, IReadOnlyCollection<AnalysisIntent> intents, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        var ordered = CacheDiffCalculator.OrderByElementId(key, intents ?? throw new ArgumentNullException(nameof(intents)));

        if (!profiles.TryGet(key.AnalysisProfileId, out var profile) && !profiles.WasDeleted(key.AnalysisProfileId))
        {
            throw new UnknownAnalysisProfileException(key.AnalysisProfileId, wasDeleted: false);
        }

        var records = await store.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false);
        var source = await sourceHashes.GetSourceStatusAsync(key.TrackRef, cancellationToken).ConfigureAwait(false);
        var sourceHash = source.ContentHash;
        var keyFailures = failures?.Get(key);
        var unusableBlobs = blobHealth?.Get(key);
        if (unusableBlobs is not null)
        {
            ForgetBlobsWithoutRecord(key, records, unusableBlobs);
        }

        if (keyFailures is null)
        {
            return CacheDiffCalculator.Compute(key, ordered, profile, source, records, catalog, unusableBlobs: unusableBlobs);
        }

        // The queue does not know the track's content hash, so the first diff after a failure pins the one it sees.
        foreach (var (descriptor, failure) in keyFailures.ToArray())
        {
            if (!failure.SourcePinned)
            {
                var pinned = failure with { SourceContentHash = sourceHash, SourcePinned = true };
                failures!.Replace(key, failure, pinned);
                keyFailures[descriptor] = pinned;
            }
        }

        var diff = CacheDiffCalculator.Compute(key, ordered, profile, source, records, catalog, keyFailures, unusableBlobs);

        // A failure the diff does not report no longer applies (the descriptor is current, not requested any more, or its
        // inputs changed): forget it, so it cannot come back if the inputs change back.
        foreach (var failure in keyFailures.Values)
        {
            if (!diff.Failed.Contains(failure.Report))
            {
                failures!.Forget(key, failure);
            }
        }

        return diff;
    }

    /// <summary>A blob problem of a descriptor that has no record any more (dismissed, rebuilt away) no longer matters: forget it.</summary>
    private void ForgetBlobsWithoutRecord(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, Dictionary<DescriptorId, BlobHealthEntry> unusableBlobs)
    {
        foreach (var (descriptor, entry) in unusableBlobs.ToArray())
        {
            if (!records.Any(r => r.Descriptor.Equals(descriptor)))
            {
                blobHealth!.Forget(key, descriptor, entry);
                unusableBlobs.Remove(descriptor);
            }
        }
    }
}
