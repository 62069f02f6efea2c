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
        ValidateGroup(key, intents);

        AnalysisProfile? profile = null;
        if (!profiles.TryGet(key.AnalysisProfileId, out profile) && !profiles.WasDeleted(key.AnalysisProfileId))
        {
            throw new UnknownAnalysisProfileException(key.AnalysisProfileId, wasDeleted: false);
        }

        var records = await store.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false);
        var sourceHash = await sourceHashes.GetSourceContentHashAsync(key.TrackRef, cancellationToken).ConfigureAwait(false);
        return CacheDiffCalculator.Compute(key, intents, profile, sourceHash, records, catalog);
    }

    private static void ValidateGroup(CacheKey key, IReadOnlyCollection<AnalysisIntent> intents)
    {
        ArgumentNullException.ThrowIfNull(intents);
        if (intents.Count <= 1)
        {
            foreach (var intent in intents)
            {
                ValidateIntent(key, intent);
            }

            return;
        }

        var elementIds = new HashSet<string>(intents.Count, StringComparer.Ordinal);
        foreach (var intent in intents)
        {
            ValidateIntent(key, intent);
            if (!elementIds.Add(intent.ElementId))
            {
                throw new ArgumentException($"Two intents of the group {key} belong to element '{intent.ElementId}'.", nameof(intents));
            }
        }
    }

    private static void ValidateIntent(CacheKey key, AnalysisIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent, "intents");
        if (!intent.Key.Equals(key))
        {
            throw new ArgumentException($"The intent of element '{intent.ElementId}' is for {intent.Key}, not for {key}.", "intents");
        }
    }
}
