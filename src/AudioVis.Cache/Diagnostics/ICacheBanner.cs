namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The cache banner, kept current: recomposed whenever a diff is published, a regeneration job changes status or reports
/// progress, the analysis worker goes offline or comes back, or an export starts or ends. Hosts render
/// <see cref="Current"/> (pull) or re-render on <see cref="Subscribe"/> (push: raised only when the banner changed).
/// While the diagnostics feature flag is off (<see cref="IDiagnosticsFeatureGate"/>) the banner is hidden.
/// </summary>
/// <remarks>
/// It follows the diff scheduler's latest diffs (<c>IDiffScheduler.GetLatestDiffs()</c>): the host's frame loop keeps it up
/// to date. Handlers run on the thread that caused the change (a frame, a queue worker); marshal to the UI thread as needed.
/// </remarks>
public interface ICacheBanner
{
    /// <summary>Gets the banner as it is now.</summary>
    BannerViewModel Current { get; }

    /// <summary>Subscribes to banner changes.</summary>
    /// <param name="handler">Called with the new banner each time it changes.</param>
    /// <returns>Disposing unsubscribes.</returns>
    IDisposable Subscribe(Action<BannerViewModel> handler);
}
