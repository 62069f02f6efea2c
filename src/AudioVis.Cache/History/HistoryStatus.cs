namespace AudioVis.Cache.History;

/// <summary>How the recorded action ended. Wire names: <c>success</c>, <c>failure</c>.</summary>
/// <remarks>
/// A cancelled job is recorded as <see cref="Failure"/> with <see cref="HistoryEntry.ErrorType"/>
/// <see cref="HistoryEntry.CancelledErrorType"/>, so the spec's two statuses stay the only ones and an audit of failures
/// shows work that was asked for and not done.
/// </remarks>
public enum HistoryStatus
{
    /// <summary>Every descriptor of the action was written (or, for a dismissal, deleted) (<c>success</c>).</summary>
    Success = 0,

    /// <summary>The action failed or was cancelled; the entry carries the error type and message (<c>failure</c>).</summary>
    Failure = 1,
}
