namespace AudioVis.Cache.History;

/// <summary>
/// The audit history of the cache (the spec's <c>analysisIntentHistory</c>): every regeneration job's final outcome
/// and every dismissal, kept in developer tooling, never in the host's project file. Implement it over your own
/// database and derive a test fixture from <c>AudioVis.Cache.Testing.HistoryStoreConformanceTests</c>.
/// </summary>
/// <remarks>
/// <para>Contract (checked by the conformance suite):</para>
/// <list type="bullet">
/// <item>An append is atomic and durable when it completes: every entry of the batch is stored, or (on error or
/// cancellation) none. An entry whose id is already stored is ignored, so a retried append is harmless.</item>
/// <item>Queries return matching entries newest first in the order of <see cref="HistoryPaging"/>, paged with
/// continuation tokens; a page is a snapshot, and appends between pages never repeat or skip an older entry.</item>
/// <item>Retention (<see cref="HistoryRetentionOptions"/>) deletes only entries outside the limits, oldest first;
/// under concurrent appends no entry inside the limits is lost.</item>
/// <item>Invalid input throws before anything is written; a cancelled token throws <see cref="OperationCanceledException"/>.</item>
/// <item>All members are safe to call concurrently.</item>
/// </list>
/// </remarks>
public interface IHistoryStore
{
    /// <summary>Appends entries, atomically, then applies retention.</summary>
    /// <param name="entries">The entries; no two may share an id.</param>
    /// <param name="cancellationToken">Cancels the append; a cancelled append stores nothing.</param>
    /// <returns>A task that completes when the entries are durable.</returns>
    /// <exception cref="ArgumentException">The list or an entry is null, or two entries share an id; the message names it.</exception>
    ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of matching entries, newest first.</summary>
    /// <param name="query">The filters, page size and continuation token.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The query is invalid (see <see cref="HistoryQuery.Validate"/>).</exception>
    ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entries outside the retention limits now (appends do it too; call this when time passes without appends).</summary>
    /// <param name="cancellationToken">Cancels the truncation; a cancelled truncation deletes nothing.</param>
    /// <returns>The number of entries deleted.</returns>
    ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default);
}
