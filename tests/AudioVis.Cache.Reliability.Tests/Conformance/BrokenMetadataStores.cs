using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Reliability.Tests.Conformance;

/// <summary>Creates the store a <see cref="MetadataSuite{TFactory}"/> runs against.</summary>
internal interface IMetadataStoreFactory
{
    static abstract ICacheMetadataStore Create();
}

/// <summary>The metadata conformance suite over one store (generic so that NUnit does not discover it; see <see cref="HistorySuite{TFactory}"/>).</summary>
internal sealed class MetadataSuite<TFactory> : CacheMetadataStoreConformanceTests
    where TFactory : IMetadataStoreFactory
{
    protected override ValueTask<ICacheMetadataStore> CreateStoreAsync() => new(TFactory.Create());
}

/// <summary>The in-memory store, unchanged.</summary>
internal sealed class HealthyMetadataStore : IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new InMemoryCacheMetadataStore();
}

/// <summary>A pass-through wrapper the broken stores override a part of.</summary>
internal abstract class MetadataStoreWrapper : ICacheMetadataStore
{
    protected ICacheMetadataStore Inner { get; } = new InMemoryCacheMetadataStore();

    public virtual ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) => Inner.GetRecordsAsync(key, cancellationToken);

    public virtual ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => Inner.GetKeysAsync(cancellationToken);

    public virtual ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default) => Inner.UpsertAsync(key, records, cancellationToken);

    public virtual ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) => Inner.RemoveAsync(key, descriptors, cancellationToken);
}

/// <summary>Lost write: silently drops every third record it is given.</summary>
internal sealed class LostWriteMetadataStore : MetadataStoreWrapper, IMetadataStoreFactory
{
    private int _seen;

    public static ICacheMetadataStore Create() => new LostWriteMetadataStore();

    public override ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
    {
        StoreGuard.ValidateBatch(key, records);
        return Inner.UpsertAsync(key, [.. records.Where(_ => Interlocked.Increment(ref _seen) % 3 != 0)], cancellationToken);
    }
}

/// <summary>Torn batch: on invalid input, writes the first half of the batch before throwing (no transaction around validation).</summary>
internal sealed class TornBatchMetadataStore : MetadataStoreWrapper, IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new TornBatchMetadataStore();

    public override async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        try
        {
            StoreGuard.ValidateBatch(key, records);
        }
        catch (ArgumentException)
        {
            await Inner.UpsertAsync(key, FirstHalf(key, records), CancellationToken.None);
            throw;
        }

        await Inner.UpsertAsync(key, records, cancellationToken);
    }

    internal static CacheMetadataRecord[] FirstHalf(CacheKey key, IReadOnlyList<CacheMetadataRecord> records) =>
        [.. records.Take(records.Count / 2).Where(r => r is not null && r.Key.Equals(key)).DistinctBy(r => r.Descriptor)];
}

/// <summary>
/// Torn on cancellation: validates atomically, but a cancelled upsert writes the first half of its batch, and a
/// cancelled or invalid remove removes the first half of its list, before throwing. The original 20 tests missed it
/// (their cancelled batches hold one item, and no test removed with an invalid list), so the suite gained three tests.
/// </summary>
internal sealed class TornOnCancelMetadataStore : MetadataStoreWrapper, IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new TornOnCancelMetadataStore();

    public override async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
    {
        StoreGuard.ValidateBatch(key, records);
        if (cancellationToken.IsCancellationRequested)
        {
            await Inner.UpsertAsync(key, TornBatchMetadataStore.FirstHalf(key, records), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await Inner.UpsertAsync(key, records, cancellationToken);
    }

    public override async ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        try
        {
            StoreGuard.ValidateDescriptors(descriptors);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex) when (ex is ArgumentException or OperationCanceledException)
        {
            await Inner.RemoveAsync(key, [.. descriptors.Take(descriptors.Count / 2).Where(d => d is not null)], CancellationToken.None);
            throw;
        }

        return await Inner.RemoveAsync(key, descriptors, cancellationToken);
    }
}

/// <summary>Wrong order: records and keys come back in reverse order.</summary>
internal sealed class UnsortedMetadataStore : MetadataStoreWrapper, IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new UnsortedMetadataStore();

    public override async ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) =>
        [.. (await Inner.GetRecordsAsync(key, cancellationToken)).Reverse()];

    public override async ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) =>
        [.. (await Inner.GetKeysAsync(cancellationToken)).Reverse()];
}

/// <summary>Cancellation ignored: every call runs to completion whatever the token says.</summary>
internal sealed class CancellationIgnoredMetadataStore : MetadataStoreWrapper, IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new CancellationIgnoredMetadataStore();

    public override ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) => Inner.GetRecordsAsync(key, CancellationToken.None);

    public override ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => Inner.GetKeysAsync(CancellationToken.None);

    public override ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default) => Inner.UpsertAsync(key, records, CancellationToken.None);

    public override ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) => Inner.RemoveAsync(key, descriptors, CancellationToken.None);
}
