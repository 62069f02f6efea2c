using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// The feature blobs found unusable (corrupt, or missing although their record exists), per {key, descriptor}, read by the
/// differ (<see cref="BlobUnusable"/>). Fed through the DI wiring by the feature store's decorator
/// (<see cref="Storage.Features.HealthReportingFeatureStore"/>: a read that fails verification or finds no blob reports, a
/// successful write clears) and by <see cref="ICacheMaintenance.VerifyBlobsAsync"/>, so storage stays downstream of the
/// differ and neither knows the other.
/// </summary>
/// <remarks>
/// Every change raises "this key changed" (<see cref="Subscribe"/>), which DI wires to <see cref="IDiffScheduler.Invalidate"/>.
/// Entries go when the blob is written again, or when the differ sees the descriptor has no record any more. Thread-safe;
/// <see cref="IsEmpty"/> is a single volatile read, so diffing a key costs nothing extra while every blob is healthy.
/// </remarks>
internal sealed class BlobHealth
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, Dictionary<DescriptorId, BlobHealthEntry>> _byKey = [];
    private readonly TimeProvider _timeProvider;
    private readonly SubscriberList<CacheKey> _changed;
    private int _keys;

    public BlobHealth(TimeProvider timeProvider, ILogger<BlobHealth> logger)
    {
        _timeProvider = timeProvider;
        _changed = new SubscriberList<CacheKey>(logger, nameof(BlobHealth));
    }

    /// <summary>Gets a value indicating whether no blob is known to be unusable.</summary>
    public bool IsEmpty => Volatile.Read(ref _keys) == 0;

    /// <summary>Subscribes to "a key's blob health changed".</summary>
    public IDisposable Subscribe(Action<CacheKey> handler) => _changed.Subscribe(handler);

    /// <summary>Records (or replaces) why a blob is unusable; raises a change unless the same reason was already recorded.</summary>
    public void Report(CacheKey key, DescriptorId descriptor, BlobUnusable reason)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var entries))
            {
                _byKey.Add(key, entries = []);
                Volatile.Write(ref _keys, _byKey.Count);
            }
            else if (entries.TryGetValue(descriptor, out var existing) && existing.Reason.Equals(reason))
            {
                return;
            }

            entries[descriptor] = new BlobHealthEntry(reason, _timeProvider.GetUtcNow());
        }

        _changed.Raise(key);
    }

    /// <summary>Forgets a blob's problem (it was written again); raises a change when there was one.</summary>
    public void Clear(CacheKey key, DescriptorId descriptor)
    {
        if (IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var entries) || !entries.Remove(descriptor))
            {
                return;
            }

            RemoveIfEmptyLocked(key, entries);
        }

        _changed.Raise(key);
    }

    /// <summary>Returns a copy of a key's unusable blobs, or <see langword="null"/> when it has none.</summary>
    public Dictionary<DescriptorId, BlobHealthEntry>? Get(CacheKey key)
    {
        if (IsEmpty)
        {
            return null;
        }

        lock (_gate)
        {
            return _byKey.TryGetValue(key, out var entries) ? new Dictionary<DescriptorId, BlobHealthEntry>(entries) : null;
        }
    }

    /// <summary>Forgets an entry when it is still <paramref name="expected"/>, without raising a change (the differ calls it).</summary>
    public void Forget(CacheKey key, DescriptorId descriptor, BlobHealthEntry expected)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var entries) && entries.TryGetValue(descriptor, out var current) && ReferenceEquals(current, expected))
            {
                entries.Remove(descriptor);
                RemoveIfEmptyLocked(key, entries);
            }
        }
    }

    private void RemoveIfEmptyLocked(CacheKey key, Dictionary<DescriptorId, BlobHealthEntry> entries)
    {
        if (entries.Count == 0)
        {
            _byKey.Remove(key);
            Volatile.Write(ref _keys, _byKey.Count);
        }
    }
}

/// <summary>Why a blob is unusable and when that was found (from the <see cref="TimeProvider"/>).</summary>
/// <param name="Reason">What the diff reports.</param>
/// <param name="FoundAt">When the problem was found.</param>
internal sealed record BlobHealthEntry(BlobUnusable Reason, DateTimeOffset FoundAt);
