using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// The last failed regeneration of each {key, descriptor}, with the inputs it was computed against, read by the differ
/// (<see cref="CacheDiff.Failed"/>). Fed by the regeneration queue's final outcomes through the DI wiring
/// (<c>RegenerationWiring</c>), so the queue stays downstream of the differ and neither knows the other.
/// </summary>
/// <remarks>
/// Entries go when the descriptor regenerates successfully, when a host asks for it again (Retry, the panel's Regenerate,
/// Regenerate All with failed ones included), when its profile changes, and when the differ sees it no longer applies
/// (the descriptor is current or no longer requested, or its inputs changed). Thread-safe; <see cref="IsEmpty"/> is a
/// single volatile read, so diffing a key costs nothing extra while nothing has failed.
/// </remarks>
internal sealed class RegenerationFailures
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, Dictionary<DescriptorId, RegenerationFailure>> _byKey = [];
    private int _keys;

    /// <summary>Gets a value indicating whether no key has a failure.</summary>
    public bool IsEmpty => Volatile.Read(ref _keys) == 0;

    /// <summary>Records (or replaces) the failure of each descriptor of a failed job.</summary>
    public void Record(CacheKey key, IEnumerable<RegenerationFailure> failures)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var entries))
            {
                _byKey.Add(key, entries = []);
                Volatile.Write(ref _keys, _byKey.Count);
            }

            foreach (var failure in failures)
            {
                entries[failure.Report.Descriptor] = failure;
            }

            RemoveIfEmptyLocked(key, entries);
        }
    }

    /// <summary>Forgets the failures of descriptors of a key; returns true when one was forgotten.</summary>
    public bool Clear(CacheKey key, IReadOnlyList<DescriptorId> descriptors)
    {
        if (IsEmpty)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var entries))
            {
                return false;
            }

            var cleared = false;
            foreach (var descriptor in descriptors)
            {
                cleared |= entries.Remove(descriptor);
            }

            RemoveIfEmptyLocked(key, entries);
            return cleared;
        }
    }

    /// <summary>Forgets every failure of a profile's keys (the profile was added, replaced or removed); returns the keys that had one.</summary>
    public IReadOnlyList<CacheKey> ClearProfile(string profileId)
    {
        if (IsEmpty)
        {
            return [];
        }

        lock (_gate)
        {
            var keys = _byKey.Keys.Where(k => string.Equals(k.AnalysisProfileId, profileId, StringComparison.Ordinal)).ToArray();
            foreach (var key in keys)
            {
                _byKey.Remove(key);
            }

            Volatile.Write(ref _keys, _byKey.Count);
            return keys;
        }
    }

    /// <summary>Returns a copy of a key's failures, or <see langword="null"/> when it has none.</summary>
    public Dictionary<DescriptorId, RegenerationFailure>? Get(CacheKey key)
    {
        if (IsEmpty)
        {
            return null;
        }

        lock (_gate)
        {
            return _byKey.TryGetValue(key, out var entries) ? new Dictionary<DescriptorId, RegenerationFailure>(entries) : null;
        }
    }

    /// <summary>Replaces an entry when it is still <paramref name="expected"/> (the differ pins the source hash it first saw).</summary>
    public void Replace(CacheKey key, RegenerationFailure expected, RegenerationFailure replacement)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var entries) && entries.TryGetValue(expected.Report.Descriptor, out var current) && ReferenceEquals(current, expected))
            {
                entries[expected.Report.Descriptor] = replacement;
            }
        }
    }

    /// <summary>Forgets an entry when it is still <paramref name="expected"/> (a failure recorded meanwhile stays).</summary>
    public void Forget(CacheKey key, RegenerationFailure expected)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var entries) && entries.TryGetValue(expected.Report.Descriptor, out var current) && ReferenceEquals(current, expected))
            {
                entries.Remove(expected.Report.Descriptor);
                RemoveIfEmptyLocked(key, entries);
            }
        }
    }

    private void RemoveIfEmptyLocked(CacheKey key, Dictionary<DescriptorId, RegenerationFailure> entries)
    {
        if (entries.Count == 0)
        {
            _byKey.Remove(key);
            Volatile.Write(ref _keys, _byKey.Count);
        }
    }
}

/// <summary>A descriptor's failed regeneration and the inputs it failed against.</summary>
/// <param name="Report">What the diff reports.</param>
/// <param name="ProfileRevision">The profile revision the job ran with.</param>
/// <param name="CalculatorId">The catalogue's calculator id when the failure was recorded.</param>
/// <param name="CalculatorVersion">The catalogue's calculator version when the failure was recorded.</param>
/// <param name="SourceContentHash">The track's content hash, pinned by the first diff after the failure (the queue does not know it).</param>
/// <param name="SourcePinned">Whether <paramref name="SourceContentHash"/> was pinned.</param>
internal sealed record RegenerationFailure(
    FailedDescriptor Report,
    ProfileRevisionHash ProfileRevision,
    string CalculatorId,
    int CalculatorVersion,
    string? SourceContentHash = null,
    bool SourcePinned = false)
{
    /// <summary>Whether the descriptor's inputs are still those the job failed against.</summary>
    public bool Applies(AnalysisProfile? profile, DescriptorDefinition definition, string? currentSourceHash) =>
        profile is not null &&
        profile.RevisionHash.Equals(ProfileRevision) &&
        string.Equals(definition.CalculatorId, CalculatorId, StringComparison.Ordinal) &&
        definition.CalculatorVersion == CalculatorVersion &&
        (!SourcePinned || string.Equals(SourceContentHash, currentSourceHash, StringComparison.Ordinal));
}
