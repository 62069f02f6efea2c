namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// The changes other nodes (and this one) make to the shared PostgreSQL cache, as PostgreSQL delivers them
/// (LISTEN/NOTIFY, on commit). Resolve it from the service provider after <c>UsePostgreSql</c>; the diff scheduler is
/// already subscribed.
/// </summary>
public interface IPostgreSqlCacheChangeFeed
{
    /// <summary>
    /// Raised on the listener's task for each change notification, and with <see cref="PostgreSqlCacheChangedEventArgs.IsResync"/>
    /// each time the listener (re)connects. Handlers must be quick and must not block; an exception a handler throws is
    /// logged and ignored.
    /// </summary>
    event EventHandler<PostgreSqlCacheChangedEventArgs>? Changed;

    /// <summary>Gets a value indicating whether the listener holds a connection and is listening now.</summary>
    bool IsListening { get; }

    /// <summary>Starts the listener when it is not running (idempotent); it connects, and reconnects after failures, in the background.</summary>
    void Start();

    /// <summary>Waits until the listener is listening (from this moment on, every committed change is delivered).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the listener is listening.</returns>
    Task WaitUntilListeningAsync(CancellationToken cancellationToken = default);
}
