namespace AudioVis.Cache.Sqlite;

/// <summary>Options of <c>builder.UseSqlite(...)</c>: where the database file is and how it is shared with other processes.</summary>
public sealed class SqliteCacheOptions
{
    /// <summary>The file name used in <c>AudioVisCacheOptions.FeatureCacheRoot</c> when <see cref="DatabasePath"/> is not set.</summary>
    public const string DefaultFileName = "audiovis-cache.db";

    /// <summary>The default <see cref="MaxBusyRetries"/>.</summary>
    public const int DefaultMaxBusyRetries = 5;

    /// <summary>The largest <see cref="MaxBusyRetries"/>.</summary>
    public const int MaxMaxBusyRetries = 100;

    /// <summary>Gets the default <see cref="BusyTimeout"/>: 5 seconds.</summary>
    public static TimeSpan DefaultBusyTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the largest <see cref="BusyTimeout"/>: 10 minutes.</summary>
    public static TimeSpan MaxBusyTimeout { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets the database file. A relative path is relative to the current directory at start-up; the folder is
    /// created when missing.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <see cref="DefaultFileName"/> in <c>AudioVisCacheOptions.FeatureCacheRoot</c>, next to the feature blobs.</value>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// Gets or sets how long one statement waits for another connection or process to release the database lock
    /// (SQLite's <c>busy_timeout</c>) before it gives up and the operation is retried; 0 to 10 minutes.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    /// <summary>
    /// Gets or sets how many times an operation that found the database locked for longer than <see cref="BusyTimeout"/>
    /// is retried (after a growing, bounded back-off) before a <see cref="CacheDatabaseException"/> with
    /// <see cref="CacheDatabaseProblem.Locked"/> is thrown; 0 to <see cref="MaxMaxBusyRetries"/>.
    /// </summary>
    /// <value>The default value is 5.</value>
    public int MaxBusyRetries { get; set; } = DefaultMaxBusyRetries;

    /// <summary>
    /// Gets or sets a value indicating whether <c>PRAGMA quick_check</c> runs when the database is opened, so a damaged
    /// file is reported at start-up (<see cref="CacheDatabaseProblem.Corrupt"/>) rather than on the first read of a
    /// damaged page. The check reads the whole file once.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool VerifyOnOpen { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether an unusable database file (not a database, corrupt, a newer schema,
    /// another application's) is renamed to <c>&lt;name&gt;.unusable-&lt;UTC time&gt;</c> (with its <c>-wal</c> and
    /// <c>-shm</c> files) and a new, empty database is created in its place. The old file is kept, never deleted.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: a <see cref="CacheDatabaseException"/> is thrown and the file is left alone.</value>
    public bool RebuildUnusableDatabase { get; set; }
}
