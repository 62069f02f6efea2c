using System.Collections.Concurrent;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.TestSupport;

/// <summary>Wraps a store, counts reads per key, and can be told to fail reads.</summary>
internal sealed class CountingMetadataStore(ICacheMetadataStore inner) : ICacheMetadataStore
{
    public CountingMetadataStore()
        : this(new InMemoryCacheMetadataStore())
    {
    }

    public ConcurrentDictionary<CacheKey, int> Reads { get; } = new();

    public int TotalReads => Reads.Values.Sum();

    public Exception? FailReadsWith { get; set; }

    public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        Reads.AddOrUpdate(key, 1, (_, n) => n + 1);
        return FailReadsWith is { } failure ? ValueTask.FromException<IReadOnlyList<CacheMetadataRecord>>(failure) : inner.GetRecordsAsync(key, cancellationToken);
    }

    public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => inner.GetKeysAsync(cancellationToken);

    public ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default) =>
        inner.UpsertAsync(key, records, cancellationToken);

    public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) =>
        inner.RemoveAsync(key, descriptors, cancellationToken);
}
