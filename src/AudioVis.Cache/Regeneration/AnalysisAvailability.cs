using AudioVis.Cache.Internal;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Regeneration;

/// <inheritdoc cref="IAnalysisAvailability"/>
internal sealed class AnalysisAvailability(ILogger<AnalysisAvailability> logger) : IAnalysisAvailability
{
    private readonly Lock _gate = new();
    private readonly SubscriberList<bool> _subscribers = new(logger, nameof(IAnalysisAvailability));
    private bool _available = true;

    public bool IsAvailable => Volatile.Read(ref _available);

    public void SetAvailable(bool available)
    {
        // Raising under the lock keeps handlers seeing changes in the order they happened.
        lock (_gate)
        {
            if (_available == available)
            {
                return;
            }

            Volatile.Write(ref _available, available);
            _subscribers.Raise(available);
        }
    }

    public IDisposable Subscribe(Action<bool> handler) => _subscribers.Subscribe(handler);
}
