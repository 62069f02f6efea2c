using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Internal;

/// <summary>
/// Copy-on-write list of synchronous handlers. Raising never allocates; a throwing handler is logged and the
/// remaining handlers still run.
/// </summary>
internal sealed class SubscriberList<T>
{
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly Lock _gate = new();
    private Action<T>[] _handlers = [];

    public SubscriberList(ILogger logger, string source)
    {
        _logger = logger;
        _source = source;
    }

    public bool HasSubscribers => Volatile.Read(ref _handlers).Length > 0;

    public IDisposable Subscribe(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public void Raise(T value)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(value);
            }
            catch (Exception ex)
            {
                Log.SubscriberFailed(_logger, _source, ex);
            }
        }
    }

    private void Unsubscribe(Action<T> handler)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(SubscriberList<T> owner, Action<T> handler) : IDisposable
    {
        private SubscriberList<T>? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Unsubscribe(handler);
    }
}
