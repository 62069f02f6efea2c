namespace AudioVis.Cache.History;

/// <summary>
/// Which history entries to read: every filter that is set must match. Results are newest first (by
/// <see cref="HistoryEntry.Timestamp"/>, then by id) and paged: pass the previous page's
/// <see cref="HistoryPage.ContinuationToken"/> to read the next one.
/// </summary>
public sealed class HistoryQuery
{
    /// <summary>The default <see cref="PageSize"/>.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest <see cref="PageSize"/>.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Gets a query for the newest <see cref="DefaultPageSize"/> entries, unfiltered.</summary>
    public static HistoryQuery All { get; } = new();

    /// <summary>Gets entries one of whose <see cref="HistoryEntry.ElementIds"/> is this element.</summary>
    /// <value>The default value is <see langword="null"/>: any element.</value>
    public string? ElementId { get; init; }

    /// <summary>Gets entries of this track.</summary>
    /// <value>The default value is <see langword="null"/>: any track.</value>
    public string? TrackRef { get; init; }

    /// <summary>Gets entries of this analysis profile.</summary>
    /// <value>The default value is <see langword="null"/>: any profile.</value>
    public string? AnalysisProfileId { get; init; }

    /// <summary>Gets entries with this action.</summary>
    /// <value>The default value is <see langword="null"/>: any action.</value>
    public HistoryAction? Action { get; init; }

    /// <summary>Gets entries with this status.</summary>
    /// <value>The default value is <see langword="null"/>: any status.</value>
    public HistoryStatus? Status { get; init; }

    /// <summary>Gets entries at or after this time (inclusive).</summary>
    /// <value>The default value is <see langword="null"/>: no lower bound.</value>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets entries before this time (exclusive).</summary>
    /// <value>The default value is <see langword="null"/>: no upper bound.</value>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the most entries one page holds (1 to <see cref="MaxPageSize"/>).</summary>
    /// <value>The default value is <see cref="DefaultPageSize"/>.</value>
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Gets the token of the previous page, to continue after its last entry.</summary>
    /// <value>The default value is <see langword="null"/>: the first page.</value>
    public string? ContinuationToken { get; init; }

    /// <summary>Throws when the query cannot be run (for store implementations: call it before reading).</summary>
    /// <exception cref="ArgumentException">The page size is out of range, the time range is empty or inverted, a filter is empty, or the token is malformed; the message names the value.</exception>
    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, $"HistoryQuery.PageSize must be between 1 and {MaxPageSize}.");
        }

        if (From is { } from && Until is { } until && until <= from)
        {
            throw new ArgumentException($"HistoryQuery.Until ({until:O}) must be after From ({from:O}).", nameof(Until));
        }

        if (ElementId is "" || TrackRef is "" || AnalysisProfileId is "")
        {
            throw new ArgumentException("HistoryQuery filters must be null (any) or non-empty; an empty ElementId, TrackRef or AnalysisProfileId matches nothing.", ElementId is "" ? nameof(ElementId) : TrackRef is "" ? nameof(TrackRef) : nameof(AnalysisProfileId));
        }

        if (Action is { } action && !Enum.IsDefined(action))
        {
            throw new ArgumentOutOfRangeException(nameof(Action), action, "HistoryQuery.Action is not a history action.");
        }

        if (Status is { } status && !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(Status), status, "HistoryQuery.Status is not a history status.");
        }

        if (ContinuationToken is { } token)
        {
            _ = HistoryPaging.ParseToken(token);
        }
    }

    /// <summary>Tells whether an entry passes every filter (the page position aside).</summary>
    /// <param name="entry">The entry.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (TrackRef is null || string.Equals(entry.TrackRef, TrackRef, StringComparison.Ordinal))
            && (AnalysisProfileId is null || string.Equals(entry.AnalysisProfileId, AnalysisProfileId, StringComparison.Ordinal))
            && (Action is null || entry.Action == Action)
            && (Status is null || entry.Status == Status)
            && (From is null || entry.Timestamp >= From)
            && (Until is null || entry.Timestamp < Until)
            && (ElementId is null || Contains(entry.ElementIds, ElementId));
    }

    private static bool Contains(IReadOnlyList<string> sorted, string value)
    {
        for (var i = 0; i < sorted.Count; i++)
        {
            if (string.Equals(sorted[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
