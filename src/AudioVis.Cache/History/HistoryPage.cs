namespace AudioVis.Cache.History;

/// <summary>One page of a history query, newest first.</summary>
public sealed class HistoryPage
{
    /// <summary>Initializes a new instance of the <see cref="HistoryPage"/> class.</summary>
    /// <param name="entries">The entries, newest first.</param>
    /// <param name="continuationToken">The token to read the next page; <see langword="null"/> when this is the last page.</param>
    public HistoryPage(IReadOnlyList<HistoryEntry> entries, string? continuationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        ContinuationToken = continuationToken;
    }

    /// <summary>Gets the entries, newest first.</summary>
    public IReadOnlyList<HistoryEntry> Entries { get; }

    /// <summary>Gets the token for the next page, or <see langword="null"/> when there are no more entries.</summary>
    public string? ContinuationToken { get; }
}
