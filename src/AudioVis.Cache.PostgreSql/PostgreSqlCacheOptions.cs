namespace AudioVis.Cache.PostgreSql;

/// <summary>Options of <c>builder.UsePostgreSql(...)</c>: which server and schema hold the shared cache, and how failures are retried.</summary>
public sealed class PostgreSqlCacheOptions
{
    /// <summary>The default <see cref="SchemaName"/>.</summary>
    public const string DefaultSchemaName = "audiovis_cache";

    /// <summary>The longest <see cref="SchemaName"/>, in characters (the notification channel adds a suffix within PostgreSQL's 63-byte identifier limit).</summary>
    public const int MaxSchemaNameLength = 48;

    /// <summary>The default <see cref="MaxTransientRetries"/>.</summary>
    public const int DefaultMaxTransientRetries = 3;

    /// <summary>The largest <see cref="MaxTransientRetries"/>.</summary>
    public const int MaxMaxTransientRetries = 20;

    /// <summary>Gets the default <see cref="ListenerReconnectMaxDelay"/>: 5 seconds.</summary>
    public static TimeSpan DefaultListenerReconnectMaxDelay { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the shortest allowed <see cref="ListenerReconnectMaxDelay"/>: 100 milliseconds (also the first reconnection delay).</summary>
    public static TimeSpan MinListenerReconnectDelay { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the longest allowed <see cref="ListenerReconnectMaxDelay"/>: 10 minutes.</summary>
    public static TimeSpan MaxListenerReconnectDelay { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets the Npgsql connection string of the shared database (for example
    /// <c>Host=db;Port=5432;Database=audiovis;Username=render;Password=…;Maximum Pool Size=20</c>). Required. Pool
    /// settings apply to the stores; the change listener uses one extra, unpooled connection.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: validation fails at start-up.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the PostgreSQL schema the cache's tables live in; created when missing. Lower-case letters, digits and
    /// underscores, starting with a letter or underscore, at most <see cref="MaxSchemaNameLength"/> characters. Two caches
    /// can share one database under different schema names; their notifications do not mix.
    /// </summary>
    /// <value>The default value is <see cref="DefaultSchemaName"/>.</value>
    public string SchemaName { get; set; } = DefaultSchemaName;

    /// <summary>
    /// Gets or sets how many times an operation that failed with a transient error (the connection dropped, the server
    /// restarted, a deadlock or serialization failure) is run again, after a growing back-off, before a
    /// <see cref="PostgreSqlCacheException"/> is thrown; 0 to <see cref="MaxMaxTransientRetries"/>. Every operation of the
    /// stores is idempotent (upserts replace, appends skip stored ids), so a retry after an unacknowledged commit is harmless.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int MaxTransientRetries { get; set; } = DefaultMaxTransientRetries;

    /// <summary>
    /// Gets or sets a value indicating whether this node listens for changes written by other nodes (LISTEN/NOTIFY) and
    /// invalidates the diff scheduler's keys when they arrive. Writes always notify, whatever this is set to.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest wait between two attempts of the change listener to reconnect after its connection
    /// dropped; the wait starts at <see cref="MinListenerReconnectDelay"/> and doubles up to this value.
    /// Between <see cref="MinListenerReconnectDelay"/> and <see cref="MaxListenerReconnectDelay"/>.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ListenerReconnectMaxDelay { get; set; } = DefaultListenerReconnectMaxDelay;
}
