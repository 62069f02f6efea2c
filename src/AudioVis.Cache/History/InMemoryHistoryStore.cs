namespace AudioVis.Cache.History;

/// <summary>An <see cref="IHistoryStore"/> in memory: the default when no durable store is configured, and for tests.</summary>
internal sealed class InMemoryHistoryStore : IHistoryStore
{
    private static readonly IComparer<HistoryEntry> OldestFirst = Comparer<HistoryEntry>.Create(static (a, b) => HistoryPaging.Compare(a.Timestamp.UtcTicks, a.Id, b.Timestamp.UtcTicks, b.Id));

    private readonly Lock _gate = new();
    private readonly List<HistoryEntry> _entries = []; // oldest first
    private readonly HashSet<Guid> _ids = [];
    private readonly HistoryRetentionOptions _retention;
    private readonly TimeProvider _time;

    public InMemoryHistoryStore(HistoryRetentionOptions retention, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentNullException.ThrowIfNull(time);
        retention.Validate();
        _retention = new HistoryRetentionOptions { MaxEntries = retention.MaxEntries, MaxAge = retention.MaxAge }; // later changes to the caller's object do not apply
        _time = time;
    }

    public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default)
    {
        HistoryStoreGuard.ValidateBatch(entries);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (!_ids.Add(entry.Id))
                {
                    continue;
                }

                var index = _entries.BinarySearch(entry, OldestFirst);
                _entries.Insert(index < 0 ? ~index : index, entry);
            }

            TrimLocked();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        (long UtcTicks, Guid Id)? after = query.ContinuationToken is { } token ? HistoryPaging.ParseToken(token) : null;
        var page = new List<HistoryEntry>(Math.Min(query.PageSize, 64));
        var more = false;
        lock (_gate)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                var entry = _entries[i];
                if ((after is { } position && !HistoryPaging.IsAfter(entry, position)) || !query.Matches(entry))
                {
                    continue;
                }

                if (page.Count == query.PageSize)
                {
                    more = true;
                    break;
                }

                page.Add(entry);
            }
        }

        return new(new HistoryPage(page, more ? HistoryPaging.CreateToken(page[^1]) : null));
    }

    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(TrimLocked());
        }
    }

    private int TrimLocked()
    {
        var oldestKept = HistoryStoreGuard.OldestKept(_retention, _time.GetUtcNow());
        var remove = Math.Max(0, _entries.Count - _retention.MaxEntries);
        while (remove < _entries.Count && _entries[remove].Timestamp < oldestKept)
        {
            remove++;
        }

        for (var i = 0; i < remove; i++)
        {
            _ids.Remove(_entries[i].Id);
        }

        _entries.RemoveRange(0, remove);
        return remove;
    }
}
