using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <summary>The pure part of diffing: no I/O, so it can be property-tested directly.</summary>
internal static class CacheDiffCalculator
{
    /// <param name="key">The {track, profile}.</param>
    /// <param name="intents">The group's intents (all of <paramref name="key"/>, distinct element ids).</param>
    /// <param name="profile">The current profile, or <see langword="null"/> when it was deleted.</param>
    /// <param name="currentSourceHash">The track's current content hash, or <see langword="null"/> when unknown.</param>
    /// <param name="records">The store's records for <paramref name="key"/>.</param>
    /// <param name="catalog">The descriptor catalogue.</param>
    public static CacheDiff Compute(
        CacheKey key,
        IReadOnlyCollection<AnalysisIntent> intents,
        AnalysisProfile? profile,
        string? currentSourceHash,
        IReadOnlyList<CacheMetadataRecord> records,
        IDescriptorCatalog catalog)
    {
        var owners = new Dictionary<DescriptorId, List<string>>();
        foreach (var intent in intents)
        {
            foreach (var descriptor in intent.Descriptors)
            {
                if (!owners.TryGetValue(descriptor, out var elementIds))
                {
                    owners.Add(descriptor, elementIds = []);
                }

                elementIds.Add(intent.ElementId);
            }
        }

        DescriptorId[] requested = [.. owners.Keys];
        Array.Sort(requested);

        var cachedByDescriptor = new Dictionary<DescriptorId, CacheMetadataRecord>(records.Count);
        foreach (var record in records)
        {
            cachedByDescriptor[record.Descriptor] = record;
        }

        DescriptorId[] cached = [.. cachedByDescriptor.Keys];
        Array.Sort(cached);

        var missing = new List<DescriptorId>();
        var stale = new List<StaleDescriptor>();
        var current = new List<DescriptorId>();
        var unknown = new List<DescriptorId>();
        var ownerList = new DescriptorOwners[requested.Length];
        for (var i = 0; i < requested.Length; i++)
        {
            var descriptor = requested[i];
            var elementIds = owners[descriptor];
            elementIds.Sort(StringComparer.Ordinal);
            ownerList[i] = new DescriptorOwners(descriptor, elementIds.ToArray());

            if (!catalog.TryGetDefinition(descriptor, out var definition))
            {
                unknown.Add(descriptor);
            }
            else if (!cachedByDescriptor.TryGetValue(descriptor, out var record))
            {
                missing.Add(descriptor);
            }
            else if (GetStaleReasons(key, record, definition, profile, currentSourceHash) is { } reasons)
            {
                stale.Add(new StaleDescriptor(descriptor, reasons));
            }
            else
            {
                current.Add(descriptor);
            }
        }

        var extraneous = Array.FindAll(cached, d => !owners.ContainsKey(d));
        return new CacheDiff(key, profile?.RevisionHash, requested, cached, [.. missing], [.. stale], extraneous, [.. current], [.. unknown], ownerList);
    }

    /// <summary>Returns the reasons a record is stale, in the fixed order profile, source, calculator; <see langword="null"/> when it is current.</summary>
    internal static StaleReason[]? GetStaleReasons(
        CacheKey key,
        CacheMetadataRecord record,
        DescriptorDefinition definition,
        AnalysisProfile? profile,
        string? currentSourceHash)
    {
        List<StaleReason>? reasons = null;
        if (profile is null)
        {
            (reasons ??= []).Add(new ProfileDeleted(key.AnalysisProfileId));
        }
        else if (!record.ProfileRevisionHash.Equals(profile.RevisionHash))
        {
            var changes = record.Parameters is null ? [] : CompareParameters(record.Parameters, profile.Parameters);
            (reasons ??= []).Add(changes.Length > 0
                ? new ProfileParametersChanged(changes)
                : new RevisionUnknown(record.ProfileRevisionHash, profile.RevisionHash));
        }

        if (currentSourceHash is not null && !string.Equals(record.SourceContentHash, currentSourceHash, StringComparison.Ordinal))
        {
            (reasons ??= []).Add(new SourceChanged(record.SourceContentHash, currentSourceHash));
        }

        if (!string.Equals(record.CalculatorId, definition.CalculatorId, StringComparison.Ordinal) || record.CalculatorVersion != definition.CalculatorVersion)
        {
            (reasons ??= []).Add(new CalculatorChanged(record.CalculatorId, record.CalculatorVersion, definition.CalculatorId, definition.CalculatorVersion));
        }

        return reasons?.ToArray();
    }

    internal static ParameterChange[] CompareParameters(AnalysisParameters cached, AnalysisParameters current)
    {
        var from = cached.ToCanonicalPairs();
        var to = current.ToCanonicalPairs();
        var changes = new List<ParameterChange>();
        for (var i = 0; i < from.Count; i++)
        {
            if (!string.Equals(from[i].Value, to[i].Value, StringComparison.Ordinal))
            {
                changes.Add(new ParameterChange(from[i].Key, from[i].Value, to[i].Value));
            }
        }

        return [.. changes];
    }
}
