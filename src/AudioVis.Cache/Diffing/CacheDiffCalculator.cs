using System.Collections.Concurrent;
using AudioVis.Cache.Analysis.Audio;
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
    /// <param name="source">
    /// What is known about the track's audio: its content hash (entries from other audio are stale), that it cannot be read
    /// (every known requested descriptor is unavailable), or nothing.
    /// </param>
    /// <param name="records">The store's records for <paramref name="key"/>.</param>
    /// <param name="catalog">The descriptor catalogue.</param>
    /// <param name="failures">
    /// The key's failed regenerations, or <see langword="null"/> when it has none: a missing or stale descriptor whose
    /// failure still applies to its inputs (<see cref="RegenerationFailure.Applies"/>) is listed in <see cref="CacheDiff.Failed"/>.
    /// </param>
    /// <param name="unusableBlobs">
    /// The key's blobs found corrupt or missing (<see cref="BlobHealth"/>), or <see langword="null"/> when it has none: a
    /// descriptor with a record and such a blob is stale with that reason after any other (<see cref="BlobUnusable"/>).
    /// </param>
    public static CacheDiff Compute(
        CacheKey key,
        IReadOnlyCollection<AnalysisIntent> intents,
        AnalysisProfile? profile,
        TrackSourceStatus source,
        IReadOnlyList<CacheMetadataRecord> records,
        IDescriptorCatalog catalog,
        IReadOnlyDictionary<DescriptorId, RegenerationFailure>? failures = null,
        IReadOnlyDictionary<DescriptorId, BlobHealthEntry>? unusableBlobs = null)
    {
        // Two passes: count the owners of each descriptor, then fill exact-size arrays. Visiting intents in
        // element-id order fills every owner array already sorted.
        var ordered = OrderByElementId(key, intents);
        // Intents that request the same set share one descriptor array, so each distinct set is mapped to its owner
        // slots once per group.
        var slots = new Dictionary<DescriptorId, int>();
        var counts = new List<int>();
        var slotsOfSet = new Dictionary<DescriptorId[], int[]>(ReferenceEqualityComparer.Instance);
        var slotsOfIntent = new int[ordered.Length][];
        for (var i = 0; i < ordered.Length; i++)
        {
            var set = ordered[i].DescriptorArray;
            if (!slotsOfSet.TryGetValue(set, out var setSlots))
            {
                setSlots = new int[set.Length];
                for (var d = 0; d < set.Length; d++)
                {
                    if (!slots.TryGetValue(set[d], out var slot))
                    {
                        slot = counts.Count;
                        slots.Add(set[d], slot);
                        counts.Add(0);
                    }

                    setSlots[d] = slot;
                }

                slotsOfSet.Add(set, setSlots);
            }

            foreach (var slot in setSlots)
            {
                counts[slot]++;
            }

            slotsOfIntent[i] = setSlots;
        }

        var ownerArrays = new string[counts.Count][];
        for (var slot = 0; slot < ownerArrays.Length; slot++)
        {
            ownerArrays[slot] = new string[counts[slot]];
            counts[slot] = 0;
        }

        for (var i = 0; i < ordered.Length; i++)
        {
            var elementId = ordered[i].ElementId;
            foreach (var slot in slotsOfIntent[i])
            {
                ownerArrays[slot][counts[slot]++] = elementId;
            }
        }

        DescriptorId[] requested = [.. slots.Keys];
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
        var current = new List<DescriptorId>(requested.Length);
        var unknown = new List<DescriptorId>();
        List<FailedDescriptor>? failed = null;
        List<DescriptorId>? unavailable = null;
        var currentSourceHash = source.ContentHash;
        var ownerList = new DescriptorOwners[requested.Length];
        for (var i = 0; i < requested.Length; i++)
        {
            var descriptor = requested[i];
            ownerList[i] = new DescriptorOwners(descriptor, ownerArrays[slots[descriptor]]);

            if (!catalog.TryGetDefinition(descriptor, out var definition))
            {
                unknown.Add(descriptor);
            }
            else if (source.IsUnreadable)
            {
                // Nothing can be computed or verified until the track can be read again; a failure of the old audio does not apply.
                (unavailable ??= []).Add(descriptor);
            }
            else
            {
                if (!cachedByDescriptor.TryGetValue(descriptor, out var record))
                {
                    missing.Add(descriptor);
                }
                else if (WithBlobReason(GetStaleReasons(key, record, definition, profile, currentSourceHash), unusableBlobs, descriptor) is { } reasons)
                {
                    stale.Add(new StaleDescriptor(descriptor, reasons));
                }
                else
                {
                    current.Add(descriptor);
                    continue;
                }

                if (failures is not null && failures.TryGetValue(descriptor, out var failure) && failure.Applies(profile, definition, currentSourceHash))
                {
                    (failed ??= []).Add(failure.Report);
                }
            }
        }

        var extraneous = Array.FindAll(cached, d => !slots.ContainsKey(d));
        return new CacheDiff(key, profile?.RevisionHash, requested, cached, [.. missing], [.. stale], extraneous, [.. current], [.. unknown], ownerList, failed?.ToArray(), unavailable?.ToArray(), source.Error);
    }

    /// <summary>Computes a diff for a track whose content hash is <paramref name="currentSourceHash"/> (<see langword="null"/>: unknown).</summary>
    internal static CacheDiff Compute(
        CacheKey key,
        IReadOnlyCollection<AnalysisIntent> intents,
        AnalysisProfile? profile,
        string? currentSourceHash,
        IReadOnlyList<CacheMetadataRecord> records,
        IDescriptorCatalog catalog,
        IReadOnlyDictionary<DescriptorId, RegenerationFailure>? failures = null,
        IReadOnlyDictionary<DescriptorId, BlobHealthEntry>? unusableBlobs = null) =>
        Compute(key, intents, profile, currentSourceHash is null ? TrackSourceStatus.Unknown : TrackSourceStatus.Known(currentSourceHash), records, catalog, failures, unusableBlobs);

    /// <summary>
    /// Returns the intents ordered by element id (without copying when they already are), after checking each
    /// belongs to <paramref name="key"/> and no element appears twice.
    /// </summary>
    internal static AnalysisIntent[] OrderByElementId(CacheKey key, IReadOnlyCollection<AnalysisIntent> intents)
    {
        var ordered = intents as AnalysisIntent[] ?? [.. intents];
        var sorted = true;
        for (var i = 0; i < ordered.Length; i++)
        {
            var intent = ordered[i] ?? throw new ArgumentNullException(nameof(intents), $"Intent {i} of the group {key} is null.");
            if (!intent.Key.Equals(key))
            {
                throw new ArgumentException($"The intent of element '{intent.ElementId}' is for {intent.Key}, not for {key}.", nameof(intents));
            }

            sorted &= i == 0 || string.CompareOrdinal(ordered[i - 1].ElementId, intent.ElementId) < 0;
        }

        if (!sorted)
        {
            ordered = ReferenceEquals(ordered, intents) ? [.. ordered] : ordered;
            Array.Sort(ordered, static (a, b) => string.CompareOrdinal(a.ElementId, b.ElementId));
            for (var i = 1; i < ordered.Length; i++)
            {
                if (string.Equals(ordered[i - 1].ElementId, ordered[i].ElementId, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Two intents of the group {key} belong to element '{ordered[i].ElementId}'.", nameof(intents));
                }
            }
        }

        return ordered;
    }

    /// <summary>Appends the blob's problem, if it has one, to the record's stale reasons.</summary>
    private static StaleReason[]? WithBlobReason(StaleReason[]? reasons, IReadOnlyDictionary<DescriptorId, BlobHealthEntry>? unusableBlobs, DescriptorId descriptor) =>
        unusableBlobs is null || !unusableBlobs.TryGetValue(descriptor, out var blob) ? reasons
        : reasons is null ? [blob.Reason]
        : [.. reasons, blob.Reason];

    /// <summary>Returns the reasons a record is stale, in the fixed order profile, source, calculator; <see langword="null"/> when it is current.</summary>
    /// <remarks>
    /// The profile is compared only on the parameters the descriptor depends on (<see cref="DescriptorDefinition.ParameterDependencies"/>):
    /// an entry computed under an older revision whose dependencies are unchanged is current, and keeps the revision hash it
    /// was computed with. Without the entry's parameters, any revision difference is <see cref="RevisionUnknown"/>.
    /// </remarks>
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
        else if (!record.ProfileRevisionHash.Equals(profile.RevisionHash) && ProfileReasonCache.Get(record, profile, definition.DependencyMask) is { } profileReason)
        {
            (reasons ??= []).Add(profileReason);
        }

        if (currentSourceHash is not null && !string.Equals(record.SourceContentHash, currentSourceHash, StringComparison.Ordinal))
        {
            (reasons ??= []).Add(new SourceChanged(record.SourceContentHash, currentSourceHash));
        }

        // An entry computed from resampled audio records "{calculator}+{resampler}" (ResamplingAudioSource.QualifyCalculatorId):
        // it is current only with today's resampler, so a new resampler library, version or setting makes it stale.
        var currentId = record.CalculatorId.Contains('+', StringComparison.Ordinal)
            ? ResamplingAudioSource.QualifyCalculatorId(definition.CalculatorId)
            : definition.CalculatorId;
        if (!string.Equals(record.CalculatorId, currentId, StringComparison.Ordinal) || record.CalculatorVersion != definition.CalculatorVersion)
        {
            (reasons ??= []).Add(new CalculatorChanged(record.CalculatorId, record.CalculatorVersion, currentId, definition.CalculatorVersion));
        }

        return reasons?.ToArray();
    }

    /// <summary>
    /// Remembers the profile reason per {cached revision, current revision, dependency set}: comparing parameters formats
    /// every value, and the same pair recurs in every group and frame until the entries are regenerated. Bounded: cleared
    /// when full.
    /// </summary>
    internal static class ProfileReasonCache
    {
        private const int Capacity = 1024;
        private static readonly ConcurrentDictionary<(ProfileRevisionHash Cached, ProfileRevisionHash Current, bool ParametersKnown, int Dependencies), StaleReason?> Reasons = new();

        /// <summary>
        /// Returns why an entry whose revision differs from the profile's is stale, or <see langword="null"/> when only
        /// parameters outside <paramref name="dependencyMask"/> changed.
        /// </summary>
        public static StaleReason? Get(CacheMetadataRecord record, AnalysisProfile profile, int dependencyMask)
        {
            var key = (record.ProfileRevisionHash, profile.RevisionHash, record.Parameters is not null, dependencyMask);
            if (Reasons.TryGetValue(key, out var reason))
            {
                return reason;
            }

            reason = Compute(record, profile, dependencyMask);
            if (Reasons.Count >= Capacity)
            {
                Reasons.Clear();
            }

            Reasons.TryAdd(key, reason);
            return reason;
        }

        private static StaleReason? Compute(CacheMetadataRecord record, AnalysisProfile profile, int dependencyMask)
        {
            if (record.Parameters is null)
            {
                return new RevisionUnknown(record.ProfileRevisionHash, profile.RevisionHash);
            }

            var changes = CompareParameters(record.Parameters, profile.Parameters);
            if (changes.Length == 0)
            {
                // Different revisions of parameters that encode identically (a newer canonical format): nothing to name.
                return new RevisionUnknown(record.ProfileRevisionHash, profile.RevisionHash);
            }

            var dependent = CompareParameters(record.Parameters, profile.Parameters, dependencyMask);
            return dependent.Length > 0 ? new ProfileParametersChanged(dependent) : null;
        }
    }

    /// <summary>Lists the parameters that differ, in canonical order, keeping those whose bit is set in <paramref name="mask"/>.</summary>
    internal static ParameterChange[] CompareParameters(AnalysisParameters cached, AnalysisParameters current, int mask = -1)
    {
        var from = cached.ToCanonicalPairs();
        var to = current.ToCanonicalPairs();
        var changes = new List<ParameterChange>();
        for (var i = 0; i < from.Count; i++)
        {
            if ((mask & (1 << i)) != 0 && !string.Equals(from[i].Value, to[i].Value, StringComparison.Ordinal))
            {
                changes.Add(new ParameterChange(from[i].Key, from[i].Value, to[i].Value));
            }
        }

        return [.. changes];
    }
}
