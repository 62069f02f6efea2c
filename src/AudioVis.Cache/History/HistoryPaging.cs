using System.Globalization;

namespace AudioVis.Cache.History;

/// <summary>
/// The order and the continuation tokens every <see cref="IHistoryStore"/> uses, for store implementations.
/// Entries are ordered newest first: by <see cref="HistoryEntry.Timestamp"/> (UTC ticks) descending, then by the
/// id's canonical text (<c>Guid.ToString("D")</c>, lower-case) descending, ordinal. A token names the last entry of
/// a page, so a page is stable while entries are appended (keyset paging).
/// </summary>
public static class HistoryPaging
{
    private const string TokenPrefix = "h1.";

    /// <summary>Gets the comparer of the newest-first order.</summary>
    public static IComparer<HistoryEntry> NewestFirst { get; } = Comparer<HistoryEntry>.Create(static (a, b) => Compare(b.Timestamp.UtcTicks, b.Id, a.Timestamp.UtcTicks, a.Id));

    /// <summary>Compares two positions in the oldest-first order (the reverse of <see cref="NewestFirst"/>).</summary>
    /// <param name="ticksA">The first entry's UTC ticks.</param>
    /// <param name="idA">The first entry's id.</param>
    /// <param name="ticksB">The second entry's UTC ticks.</param>
    /// <param name="idB">The second entry's id.</param>
    /// <returns>Less than zero when the first is older.</returns>
    public static int Compare(long ticksA, Guid idA, long ticksB, Guid idB)
    {
        var byTime = ticksA.CompareTo(ticksB);
        return byTime != 0 ? byTime : string.CompareOrdinal(idA.ToString("D"), idB.ToString("D"));
    }

    /// <summary>Creates the token that continues after <paramref name="last"/>.</summary>
    /// <param name="last">The last entry of a page.</param>
    /// <returns>The token (opaque to callers).</returns>
    public static string CreateToken(HistoryEntry last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return string.Create(CultureInfo.InvariantCulture, $"{TokenPrefix}{last.Timestamp.UtcTicks}.{last.Id:N}");
    }

    /// <summary>Reads a token made by <see cref="CreateToken"/>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The UTC ticks and id of the last entry of the previous page: the next page holds entries older than it.</returns>
    /// <exception cref="ArgumentException">The token was not made by <see cref="CreateToken"/>; the message quotes it.</exception>
    public static (long UtcTicks, Guid Id) ParseToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length == 3 && token.StartsWith(TokenPrefix, StringComparison.Ordinal)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && parts[2].Length == 32
            && Guid.TryParseExact(parts[2], "N", out var id)
            && string.Equals(parts[2], id.ToString("N"), StringComparison.Ordinal))
        {
            return (ticks, id);
        }

        throw new ArgumentException($"'{token}' is not a history continuation token; pass the ContinuationToken of the previous HistoryPage unchanged.", nameof(token));
    }

    /// <summary>Tells whether an entry comes after the position a token names (is older than it).</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="position">The position from <see cref="ParseToken"/>.</param>
    /// <returns><see langword="true"/> when the entry belongs to a later page.</returns>
    public static bool IsAfter(HistoryEntry entry, (long UtcTicks, Guid Id) position)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Compare(entry.Timestamp.UtcTicks, entry.Id, position.UtcTicks, position.Id) < 0;
    }
}
