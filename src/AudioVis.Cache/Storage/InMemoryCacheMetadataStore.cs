using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage;

/// <summary>
/// An <see cref="ICacheMetadataStore"/> that keeps records in memory: the default for tests, demos and hosts that
/// rebuild their cache index at start-up. Reads never allocate; writes copy the key's record array.
/// </summary>
internal sealed class InMemoryCacheMetadataStore : ICacheMetadataStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, CacheMetadataRecord[]> _records = [];

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(_records.TryGetValue(key, out var records) ? records : []);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            CacheKey[] keys = [.. _records.Keys];
            Array.Sort(keys);
            return new(keys);
        }
    }

    /// <inheritdoc/>
    public ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
    {
        StoreGuard.ValidateBatch(key, records);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            var merged = new SortedDictionary<DescriptorId, CacheMetadataRecord>();
            if (_records.TryGetValue(key, out var existing))
            {
                foreach (var record in existing)
                {
                    merged[record.Descriptor] = record;
                }
            }

            foreach (var record in records)
            {
                merged[record.Descriptor] = record;
            }

            _records[key] = [.. merged.Values];
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        StoreGuard.ValidateDescriptors(descriptors);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_records.TryGetValue(key, out var existing))
            {
                return new(0);
            }

            var remove = new HashSet<DescriptorId>(descriptors);
            var kept = Array.FindAll(existing, r => !remove.Contains(r.Descriptor));
            if (kept.Length == 0)
            {
                _records.Remove(key);
            }
            else
            {
                _records[key] = kept;
            }

            return new(existing.Length - kept.Length);
        }
    }
}
