using System.Net.Sockets;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// Listens on the schema's notification channel on one dedicated, unpooled connection: a background task waits in
/// <see cref="NpgsqlConnection.WaitAsync(CancellationToken)"/> (no polling; the server pushes each notification as its
/// transaction commits) and invalidates the key in every attached <see cref="IDiffScheduler"/>. When the connection
/// drops it reconnects after a doubling back-off and, once listening again, invalidates every key (changes made while
/// it was away are unknown). A keep-alive query every 15 seconds (unless the connection string sets one) notices a
/// silently dead connection.
/// </summary>
internal sealed class PostgreSqlChangeListener : IPostgreSqlCacheChangeFeed, IAsyncDisposable, IDisposable
{
    private const int DefaultKeepAliveSeconds = 15;

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly string _server;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private IDiffScheduler[] _schedulers = [];
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile bool _isListening;
    private int _disposed;

    public PostgreSqlChangeListener(PostgreSqlCacheDatabase database, TimeSpan maxReconnectDelay, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false };
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = DefaultKeepAliveSeconds;
        }

        _connectionString = builder.ConnectionString;
        _channel = database.Channel;
        _server = database.Server;
        _maxDelay = maxReconnectDelay;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public event EventHandler<PostgreSqlCacheChangedEventArgs>? Changed;

    /// <inheritdoc/>
    public bool IsListening => _isListening;

    /// <summary>Gets the attached schedulers (for tests).</summary>
    internal IReadOnlyList<IDiffScheduler> Schedulers => Volatile.Read(ref _schedulers);

    /// <summary>Invalidates keys of <paramref name="scheduler"/> from now on (a scheduler attached twice is invalidated once).</summary>
    public void Attach(IDiffScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        lock (_gate)
        {
            if (!_schedulers.Contains(scheduler))
            {
                _schedulers = [.. _schedulers, scheduler];
            }
        }
    }

    /// <inheritdoc/>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }
    }

    /// <inheritdoc/>
    public Task WaitUntilListeningAsync(CancellationToken cancellationToken = default)
    {
        Start();
        Task listening;
        lock (_gate)
        {
            listening = _listening.Task;
        }

        return listening.WaitAsync(cancellationToken);
    }

    /// <summary>Stops listening and waits for the background task to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>Stops listening; the background task ends on its own (its connection closes as it sees the cancellation).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
        }
    }

    private static bool IsConnectionFailure(Exception exception) =>
        exception is NpgsqlException or IOException or SocketException or TimeoutException or ObjectDisposedException;

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = PostgreSqlCacheOptions.MinListenerReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                if (_isListening)
                {
                    delay = PostgreSqlCacheOptions.MinListenerReconnectDelay;
                }

                SetListening(false);
                PostgreSqlLog.ListenerDisconnected(_logger, _server, delay, ex);
            }
            catch (Exception ex)
            {
                SetListening(false);
                PostgreSqlLog.ListenerFaulted(_logger, _server, ex);
                return;
            }

            if (!stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxDelay.Ticks));
            }
        }

        SetListening(false);
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += OnNotification;
            await connection.OpenAsync(stopping).ConfigureAwait(false);
            await using (var listen = new NpgsqlCommand($"LISTEN \"{_channel}\";", connection))
            {
                await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
            }

            // Listening from here on: whatever changed before (while away, or before the first start) is covered by a resync.
            Publish(null);
            SetListening(true);
            PostgreSqlLog.Listening(_logger, _server, _channel);
            while (true)
            {
                await connection.WaitAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    private void SetListening(bool listening)
    {
        lock (_gate)
        {
            if (listening == _isListening)
            {
                return;
            }

            _isListening = listening;
            if (listening)
            {
                _listening.TrySetResult();
            }
            else if (_listening.Task.IsCompleted)
            {
                _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (!string.Equals(e.Channel, _channel, StringComparison.Ordinal))
        {
            return;
        }

        if (PostgreSqlChangePayload.TryDecode(e.Payload, out var key))
        {
            Publish(key);
        }
        else
        {
            PostgreSqlLog.UnreadablePayload(_logger, _channel, e.Payload.Length);
        }
    }

    private void Publish(CacheKey? key)
    {
        foreach (var scheduler in Volatile.Read(ref _schedulers))
        {
            try
            {
                if (key is { } changed)
                {
                    scheduler.Invalidate(changed);
                }
                else
                {
                    scheduler.InvalidateAll();
                }
            }
            catch (Exception ex)
            {
                PostgreSqlLog.SubscriberFailed(_logger, ex);
            }
        }

        if (Changed is not { } handlers)
        {
            return;
        }

        var args = new PostgreSqlCacheChangedEventArgs(key);
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<PostgreSqlCacheChangedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                PostgreSqlLog.SubscriberFailed(_logger, ex);
            }
        }
    }
}
