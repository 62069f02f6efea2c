using AudioVis.Cache.Diffing;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diagnostics;

/// <inheritdoc cref="ICacheBanner"/>
internal sealed class CacheBanner : ICacheBanner, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _raiseGate = new();
    private readonly Dictionary<long, RegenerationStatusChanged> _activeJobs = [];
    private readonly IDiffScheduler _scheduler;
    private readonly IAnalysisAvailability _availability;
    private readonly IExportCoordinator _exports;
    private readonly IAnalysisProfileRegistry _profiles;
    private readonly IDiagnosticsFeatureGate _featureGate;
    private readonly RegenerationCostEstimator _estimator;
    private readonly SubscriberList<BannerViewModel> _subscribers;
    private readonly IDisposable[] _subscriptions;
    private BannerViewModel _current = BannerViewModel.Hidden;

    public CacheBanner(
        IDiffScheduler scheduler,
        IRegenerationQueue queue,
        IAnalysisAvailability availability,
        IExportCoordinator exports,
        IAnalysisProfileRegistry profiles,
        IDiagnosticsFeatureGate featureGate,
        RegenerationCostEstimator estimator,
        ILogger<CacheBanner> logger)
    {
        _estimator = estimator;
        _scheduler = scheduler;
        _availability = availability;
        _exports = exports;
        _profiles = profiles;
        _featureGate = featureGate;
        _subscribers = new SubscriberList<BannerViewModel>(logger, nameof(ICacheBanner));
        _subscriptions =
        [
            scheduler.Subscribe(_ => Recompose()),
            queue.Subscribe(OnJobChanged),
            availability.Subscribe(_ => Recompose()),
            exports.Subscribe(_ => Recompose()),
            estimator.Subscribe(_ => Recompose()),
        ];
        Recompose();
    }

    public BannerViewModel Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Gets the latest status of every job that is not final (the diagnostics panel shows them as regenerating).</summary>
    internal IReadOnlyCollection<RegenerationStatusChanged> ActiveJobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _activeJobs.Values];
            }
        }
    }

    public IDisposable Subscribe(Action<BannerViewModel> handler) => _subscribers.Subscribe(handler);

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void OnJobChanged(RegenerationStatusChanged change)
    {
        lock (_gate)
        {
            if (change.IsFinal)
            {
                _activeJobs.Remove(change.JobId);
            }
            else
            {
                _activeJobs[change.JobId] = change;
            }
        }

        Recompose();
    }

    /// <summary>Composes the banner and raises it if it changed; serialised, so handlers see the changes in order.</summary>
    private void Recompose()
    {
        lock (_raiseGate)
        {
            RecomposeSerialised();
        }
    }

    private void RecomposeSerialised()
    {
        BannerViewModel banner;
        lock (_gate)
        {
            var diffs = _scheduler.GetLatestDiffs();
            banner = BannerComposer.Compose(new BannerInputs(
                diffs,
                [.. _activeJobs.Values],
                _availability.IsAvailable,
                _exports.IsExportInProgress,
                _profiles.Profiles,
                _estimator.Estimate(diffs),
                _featureGate.IsEnabled));
            if (banner.Equals(_current))
            {
                return;
            }

            _current = banner;
        }

        _subscribers.Raise(banner);
    }
}
