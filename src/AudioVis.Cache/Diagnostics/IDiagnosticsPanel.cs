namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The diagnostics panel's content, composed on demand from the diff scheduler's latest diffs, the cache metadata store
/// (last analysis times) and the regeneration jobs in progress. Call it when the panel opens and when
/// <see cref="ICacheBanner"/> or a diff changes while it is open.
/// </summary>
public interface IDiagnosticsPanel
{
    /// <summary>Composes the panel, sorted and filtered as <paramref name="preferences"/> say.</summary>
    /// <param name="preferences">The sort and filter; <see langword="null"/> loads the saved ones (<see cref="IDiagnosticsPreferenceStore"/>).</param>
    /// <param name="cancellationToken">Cancels the store reads.</param>
    /// <returns>The panel, grouped by track reference, then analysis profile; sections left without rows by the filter are omitted.</returns>
    ValueTask<DiagnosticsPanelViewModel> GetAsync(DiagnosticsPreferences? preferences = null, CancellationToken cancellationToken = default);
}
