using System.Collections.Concurrent;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Cli;

/// <summary>
/// Keeps the analyzer's latest <see cref="AnalysisProgress.EstimatedTimeLeft"/> per {track, profile}, for the progress
/// bars' ETA. The queue's status events carry the fraction only, so the CLI wraps the registered analyzer; the queue
/// runs one job per key at a time, so the key names the job.
/// </summary>
internal sealed class AnalysisEtaTracker
{
    private readonly ConcurrentDictionary<CacheKey, TimeSpan> _timeLeft = new();

    public bool TryGetTimeLeft(CacheKey key, out TimeSpan timeLeft) => _timeLeft.TryGetValue(key, out timeLeft);

    /// <summary>Wraps the <see cref="IAudioAnalyzer"/> registered in <paramref name="services"/> (call after <c>AddAudioVisCache</c>).</summary>
    public void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IAudioAnalyzer));
        services.Remove(registered);
        services.AddSingleton<IAudioAnalyzer>(sp => new TrackingAnalyzer(Create(registered, sp), this));
    }

    private static IAudioAnalyzer Create(ServiceDescriptor registered, IServiceProvider services) => (IAudioAnalyzer)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));

    private sealed class TrackingAnalyzer(IAudioAnalyzer inner, AnalysisEtaTracker tracker) : IAudioAnalyzer
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
        {
            tracker._timeLeft.TryRemove(request.Key, out _);
            return inner.AnalyzeAsync(request, new Relay(progress, tracker, request.Key), cancellationToken);
        }
    }

    private sealed class Relay(IProgress<AnalysisProgress>? inner, AnalysisEtaTracker tracker, CacheKey key) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value)
        {
            if (value.EstimatedTimeLeft is { } left)
            {
                tracker._timeLeft[key] = left;
            }

            inner?.Report(value);
        }
    }
}
