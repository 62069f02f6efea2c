using AudioVis.Cache.History;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Reliability.Tests.Conformance;

/// <summary>Creates the store a <see cref="HistorySuite{TFactory}"/> runs against.</summary>
internal interface IHistoryStoreFactory
{
    static abstract IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider);
}

/// <summary>
/// The history conformance suite over one store. Generic on purpose: NUnit does not discover open generic classes, so
/// the broken stores never run as fixtures of their own; <see cref="BrokenStoreTests"/> closes it and runs it through
/// <see cref="ConformanceRunner"/>.
/// </summary>
internal sealed class HistorySuite<TFactory> : HistoryStoreConformanceTests
    where TFactory : IHistoryStoreFactory
{
    protected override ValueTask<IHistoryStore> CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new(TFactory.Create(retention, timeProvider));
}

/// <summary>The in-memory store behind a pass-through wrapper that counts creations and disposals (to check the runner honours [TearDown]).</summary>
internal sealed class HealthyHistoryStore(IHistoryStore inner) : IHistoryStore, IDisposable, IHistoryStoreFactory
{
    private static int s_created;
    private static int s_disposed;

    public static int Created => Volatile.Read(ref s_created);

    public static int Disposed => Volatile.Read(ref s_disposed);

    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider)
    {
        Interlocked.Increment(ref s_created);
        return new HealthyHistoryStore(new InMemoryHistoryStore(retention, timeProvider));
    }

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => inner.AppendAsync(entries, cancellationToken);

    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(cancellationToken);

    public void Dispose() => Interlocked.Increment(ref s_disposed);
}

/// <summary>Lost write: silently drops every third entry it is given.</summary>
internal sealed class LostWriteHistoryStore(IHistoryStore inner) : IHistoryStore, IHistoryStoreFactory
{
    private int _seen;

    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new LostWriteHistoryStore(new InMemoryHistoryStore(retention, timeProvider));

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default)
    {
        HistoryStoreGuard.ValidateBatch(entries);
        return inner.AppendAsync([.. entries.Where(_ => Interlocked.Increment(ref _seen) % 3 != 0)], cancellationToken);
    }

    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(cancellationToken);
}

/// <summary>Torn batch: writes entry by entry without a transaction, validating as it goes, and checks cancellation only halfway.</summary>
internal sealed class TornBatchHistoryStore(IHistoryStore inner) : IHistoryStore, IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new TornBatchHistoryStore(new InMemoryHistoryStore(retention, timeProvider));

    public async ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (i == entries.Count / 2)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var entry = entries[i] ?? throw new ArgumentNullException(nameof(entries), $"History entry {i} of the batch is null.");
            if (!seen.Add(entry.Id))
            {
                throw new ArgumentException($"The history batch has two entries with id {entry.Id}.", nameof(entries));
            }

            await inner.AppendAsync([entry], CancellationToken.None);
        }
    }

    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(cancellationToken);
}

/// <summary>Wrong order: each page comes back oldest first.</summary>
internal sealed class OldestFirstHistoryStore(IHistoryStore inner) : IHistoryStore, IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new OldestFirstHistoryStore(new InMemoryHistoryStore(retention, timeProvider));

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => inner.AppendAsync(entries, cancellationToken);

    public async ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        var page = await inner.QueryAsync(query, cancellationToken);
        return new HistoryPage([.. page.Entries.Reverse()], page.ContinuationToken);
    }

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(cancellationToken);
}

/// <summary>Wrong order, subtly: equal timestamps are ordered by the id's bytes (as a BLOB column sorts), not its text.</summary>
internal sealed class TiesByBytesHistoryStore(IHistoryStore inner) : IHistoryStore, IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new TiesByBytesHistoryStore(new InMemoryHistoryStore(retention, timeProvider));

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => inner.AppendAsync(entries, cancellationToken);

    public async ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        var page = await inner.QueryAsync(query, cancellationToken);
        HistoryEntry[] sorted = [.. page.Entries.OrderByDescending(e => e.Timestamp.UtcTicks).ThenByDescending(e => Convert.ToHexString(e.Id.ToByteArray()), StringComparer.Ordinal)];
        return new HistoryPage(sorted, page.ContinuationToken is null ? null : HistoryPaging.CreateToken(sorted[^1]));
    }

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(cancellationToken);
}

/// <summary>Cancellation ignored: every call runs to completion whatever the token says.</summary>
internal sealed class CancellationIgnoredHistoryStore(IHistoryStore inner) : IHistoryStore, IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new CancellationIgnoredHistoryStore(new InMemoryHistoryStore(retention, timeProvider));

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => inner.AppendAsync(entries, CancellationToken.None);

    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, CancellationToken.None);

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(CancellationToken.None);
}

/// <summary>Retention drops a recent entry: it trims one entry too many (keeps MaxEntries - 1).</summary>
internal sealed class RetentionOneTooManyHistoryStore : IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new InMemoryHistoryStore(new HistoryRetentionOptions { MaxEntries = Math.Max(1, retention.MaxEntries - 1), MaxAge = retention.MaxAge }, timeProvider);
}

/// <summary>Retention drops a recent entry: its age limit runs an hour ahead of the clock (deletes entries still inside MaxAge).</summary>
internal sealed class RetentionClockAheadHistoryStore : IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new InMemoryHistoryStore(retention, new ShiftedTimeProvider(timeProvider, TimeSpan.FromHours(1)));

    private sealed class ShiftedTimeProvider(TimeProvider inner, TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + shift;
    }
}
