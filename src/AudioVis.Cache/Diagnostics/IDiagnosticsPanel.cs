namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The diagnostics panel's content, composed on demand from the diff scheduler's latest diffs, the cache metadata store
/// (last analysis times) and the regeneration jobs in progress. Call it when the panel opens and when
/// <see cref="ICacheBanner"/> or a diff changes while it is open. While the diagnostics feature flag is off
/// (<see cref="IDiagnosticsFeatureGate"/>), the panel is empty and its opening is not counted.
/// </summary>
public interface IDiagnosticsPanel
{
    /// <summary>
    /// Composes the panel with the saved preferences and counts the opening (<c>audiovis.diagnostics.opened</c>, when
    /// telemetry is on). Call it when the user opens the panel; refresh an open panel with <see cref="GetAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the store reads.</param>
    /// <returns>The panel.</returns>
    ValueTask<DiagnosticsPanelViewModel> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Composes the panel, sorted and filtered as <paramref name="preferences"/> say.</summary>
    /// <param name="preferences">The sort and filter; <see langword="null"/> loads the saved ones (<see cref="IDiagnosticsPreferenceStore"/>).</param>
    /// <param name="cancellationToken">Cancels the store reads.</param>
    /// <returns>The panel, grouped by track reference, then analysis profile; sections left without rows by the filter are omitted.</returns>
    ValueTask<DiagnosticsPanelViewModel> GetAsync(DiagnosticsPreferences? preferences = null, CancellationToken cancellationToken = default);
}
