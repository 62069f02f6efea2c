namespace AudioVis.Cache.History;

/// <summary>Argument checks that every <see cref="IHistoryStore"/> implementation can share.</summary>
public static class HistoryStoreGuard
{
    /// <summary>Throws when a batch of entries cannot be appended.</summary>
    /// <param name="entries">The entries.</param>
    /// <exception cref="ArgumentNullException">The list or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries share an id; the message names it.</exception>
    public static void ValidateBatch(IReadOnlyList<HistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentNullException(nameof(entries), $"History entry {i} of the batch is null.");
            if (!seen.Add(entry.Id))
            {
                throw new ArgumentException($"The history batch has two entries with id {entry.Id}.", nameof(entries));
            }
        }
    }

    /// <summary>Gets the oldest timestamp retention keeps at <paramref name="now"/>.</summary>
    /// <param name="options">The retention options.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Entries older than this are outside the limits.</returns>
    public static DateTimeOffset OldestKept(HistoryRetentionOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        return now.UtcTicks - options.MaxAge.Ticks <= DateTimeOffset.MinValue.UtcTicks ? DateTimeOffset.MinValue : now - options.MaxAge;
    }
}
