using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Telemetry;

namespace AudioVis.Cache.Diagnostics;

/// <inheritdoc cref="IDiagnosticsPanel"/>
internal sealed class DiagnosticsPanel(
    IDiffScheduler scheduler,
    ICacheMetadataStore store,
    CacheBanner banner,
    IAnalysisProfileRegistry profiles,
    IDiagnosticsPreferenceStore preferenceStore,
    IDiagnosticsFeatureGate featureGate,
    AudioVisCacheMetrics metrics) : IDiagnosticsPanel
{
    private static readonly DiagnosticsPanelViewModel Empty = new([]);

    public ValueTask<DiagnosticsPanelViewModel> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!featureGate.IsEnabled)
        {
            return ValueTask.FromResult(Empty);
        }

        metrics.DiagnosticsOpened();
        return GetAsync(null, cancellationToken);
    }

    public async ValueTask<DiagnosticsPanelViewModel> GetAsync(DiagnosticsPreferences? preferences = null, CancellationToken cancellationToken = default)
    {
        if (!featureGate.IsEnabled)
        {
            return Empty;
        }

        preferences ??= await preferenceStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        var diffs = scheduler.GetLatestDiffs();
        var records = new Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>>(diffs.Count);
        foreach (var diff in diffs)
        {
            records[diff.Key] = await store.GetRecordsAsync(diff.Key, cancellationToken).ConfigureAwait(false);
        }

        return DiagnosticsPanelComposer.Apply(DiagnosticsPanelComposer.Compose(diffs, records, banner.ActiveJobs, profiles.Profiles), preferences);
    }
}
