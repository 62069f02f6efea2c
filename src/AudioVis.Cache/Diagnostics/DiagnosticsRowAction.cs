namespace AudioVis.Cache.Diagnostics;

/// <summary>A button of a diagnostics panel row.</summary>
public enum DiagnosticsRowAction
{
    /// <summary>Regenerate this descriptor: <c>IRegenerationQueue.Regenerate(diff, descriptor)</c>.</summary>
    Regenerate = 0,

    /// <summary>Remove this extraneous entry: <c>ICacheMaintenance.DismissAsync(diff, descriptor)</c>.</summary>
    Dismiss = 1,

    /// <summary>Run the failed job again: <c>IRegenerationQueue.Retry(row.FailedJobId)</c>.</summary>
    Retry = 2,
}
