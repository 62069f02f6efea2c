using AudioVis.Cache.Internal;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Regeneration;

/// <inheritdoc cref="IExportCoordinator"/>
internal sealed class ExportCoordinator(ILogger<ExportCoordinator> logger) : IExportCoordinator
{
    private readonly Lock _gate = new();
    private readonly SubscriberList<bool> _subscribers = new(logger, nameof(IExportCoordinator));
    private int _open;

    public bool IsExportInProgress => Volatile.Read(ref _open) > 0;

    public IDisposable BeginExport()
    {
        lock (_gate)
        {
            if (++_open == 1)
            {
                _subscribers.Raise(true);
            }
        }

        return new Scope(this);
    }

    public IDisposable Subscribe(Action<bool> handler) => _subscribers.Subscribe(handler);

    private void End()
    {
        lock (_gate)
        {
            if (--_open == 0)
            {
                _subscribers.Raise(false);
            }
        }
    }

    private sealed class Scope(ExportCoordinator owner) : IDisposable
    {
        private ExportCoordinator? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.End();
    }
}
