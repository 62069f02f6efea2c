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
    ITrackSourceHashProvider sourceHashes) : ICacheDiffer
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
        var sourceHash = await sourceHashes.GetSourceContentHashAsync(key.TrackRef, cancellationToken).ConfigureAwait(false);
        return CacheDiffCalculator.Compute(key, ordered, profile, sourceHash, records, catalog);
    }
}
