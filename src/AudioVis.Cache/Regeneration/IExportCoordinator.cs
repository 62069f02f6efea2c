namespace AudioVis.Cache.Regeneration;

/// <summary>
/// Tells the regeneration queue when an export is in progress. While one is, running jobs finish but no new job
/// starts: waiting jobs are reported <see cref="RegenerationStatus.QueuedAfterExport"/> ("Queued after export")
/// and run when the last export scope closes.
/// </summary>
/// <remarks>Thread-safe. Scopes nest: the export is in progress until every scope is disposed.</remarks>
public interface IExportCoordinator
{
    /// <summary>Gets a value indicating whether at least one export scope is open.</summary>
    bool IsExportInProgress { get; }

    /// <summary>Opens an export scope.</summary>
    /// <returns>The scope; dispose it when the export ends (disposing twice closes it once).</returns>
    IDisposable BeginExport();

    /// <summary>Subscribes to changes of <see cref="IsExportInProgress"/>.</summary>
    /// <param name="handler">Called with the new value when the first scope opens and when the last one closes.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<bool> handler);
}
