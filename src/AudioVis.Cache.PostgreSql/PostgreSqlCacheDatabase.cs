using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// The shared PostgreSQL cache database of one schema: an <see cref="NpgsqlDataSource"/> (pooled connections), the
/// schema migrations (run once, on the first operation, under an advisory lock so several nodes starting together
/// migrate once), and every operation with bounded retries of transient failures and typed errors.
/// </summary>
internal sealed partial class PostgreSqlCacheDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The suffix of the notification channel: <c>&lt;schema&gt;_changes</c>.</summary>
    public const string ChannelSuffix = "_changes";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgreSqlMigration> _migrations;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxRetries;
    private readonly Lock _gate = new();
    private Task? _ready;
    private int _disposed;

    private PostgreSqlCacheDatabase(PostgreSqlCacheOptions options, TimeProvider time, ILogger logger, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        SchemaName = options.SchemaName;
        QuotedSchema = "\"" + SchemaName + "\"";
        Channel = SchemaName + ChannelSuffix;
        Server = Describe(builder, SchemaName);
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder);
        _migrations = migrations;
        _time = time;
        _logger = logger;
        _maxRetries = options.MaxTransientRetries;
    }

    /// <summary>Gets where the database is, for messages: <c>host:port/database (schema s)</c>, never a password.</summary>
    public string Server { get; }

    /// <summary>Gets the schema name (validated: lower-case letters, digits, underscores).</summary>
    public string SchemaName { get; }

    /// <summary>Gets the schema name as a quoted identifier, for SQL text.</summary>
    public string QuotedSchema { get; }

    /// <summary>Gets the notification channel of this schema's changes.</summary>
    public string Channel { get; }

    /// <summary>Gets the connection string (for the change listener's own connection).</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the schema version once the database is ready (0 before).</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Creates the database object; nothing is sent to the server until the first operation or <see cref="EnsureReadyAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the DI path reports this at start-up instead).</exception>
    public static PostgreSqlCacheDatabase Create(PostgreSqlCacheOptions options, TimeProvider time, ILogger? logger = null) =>
        Create(options, time, logger, PostgreSqlSchema.Migrations);

    /// <summary>Creates the database object with a given migration list (tests build older or broken schemas with it).</summary>
    internal static PostgreSqlCacheDatabase Create(PostgreSqlCacheOptions options, TimeProvider time, ILogger? logger, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(migrations);
        var errors = ValidateOptions(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return new PostgreSqlCacheDatabase(options, time, logger ?? NullLogger.Instance, migrations);
    }

    /// <summary>Checks options; each problem is one sentence naming the option and the value (the password never).</summary>
    public static List<string> ValidateOptions(PostgreSqlCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("PostgreSqlCacheOptions.ConnectionString is required (for example 'Host=db;Database=audiovis;Username=render').");
        }
        else
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    errors.Add("PostgreSqlCacheOptions.ConnectionString names no Host.");
                }
            }
            catch (ArgumentException ex)
            {
                errors.Add($"PostgreSqlCacheOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (options.SchemaName is null || !SchemaNamePattern().IsMatch(options.SchemaName))
        {
            errors.Add($"PostgreSqlCacheOptions.SchemaName '{options.SchemaName}' must be 1 to {PostgreSqlCacheOptions.MaxSchemaNameLength} lower-case letters, digits or underscores, starting with a letter or underscore.");
        }

        if (options.MaxTransientRetries is < 0 or > PostgreSqlCacheOptions.MaxMaxTransientRetries)
        {
            errors.Add($"PostgreSqlCacheOptions.MaxTransientRetries must be between 0 and {PostgreSqlCacheOptions.MaxMaxTransientRetries}; got {options.MaxTransientRetries}.");
        }

        if (options.ListenerReconnectMaxDelay < PostgreSqlCacheOptions.MinListenerReconnectDelay || options.ListenerReconnectMaxDelay > PostgreSqlCacheOptions.MaxListenerReconnectDelay)
        {
            errors.Add($"PostgreSqlCacheOptions.ListenerReconnectMaxDelay must be between {PostgreSqlCacheOptions.MinListenerReconnectDelay} and {PostgreSqlCacheOptions.MaxListenerReconnectDelay}; got {options.ListenerReconnectMaxDelay}.");
        }

        return errors;
    }

    /// <summary>Describes a server for messages: host, port, database and schema, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder, string schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} (schema {schema})");
    }

    /// <summary>
    /// Checks and migrates the schema once (later calls wait for the same run); a failed run is tried again by the next
    /// call. The run itself is not cancelled by <paramref name="cancellationToken"/>, only the wait.
    /// </summary>
    /// <exception cref="PostgreSqlCacheException">The schema cannot be used or migrated, or the server cannot be reached.</exception>
    public Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task ready;
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = Task.Run(MigrateAsync, CancellationToken.None);
            }

            ready = _ready;
        }

        return ready.IsCompletedSuccessfully ? ready : ready.WaitAsync(cancellationToken);
    }

    /// <summary>Runs a read on a pooled connection; transient failures are retried (reads are idempotent).</summary>
    public async ValueTask<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(operation, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a write in one transaction, committed only when <paramref name="write"/> returns and the token is not
    /// cancelled; retried as a whole after a transient failure (every write of the stores is idempotent).
    /// </summary>
    public async ValueTask<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(
            operation,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var result = await write(connection, transaction, token).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the error for a row that cannot be read back.</summary>
    public PostgreSqlCacheException RowError(string table, string what, Exception inner) =>
        new(Server, PostgreSqlCacheProblem.Corrupt, $"a row of {SchemaName}.{table} cannot be read back ({what}): {inner.Message}", inner);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _dataSource.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether an error may pass when the operation is run again on a new connection.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        _ => false,
    };

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaNamePattern();

    private async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var opened = false;
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    opened = true;
                    return await body(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException ex) when (IsTransient(ex) && attempt < _maxRetries && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(attempt);
                PostgreSqlLog.TransientRetry(_logger, operation, Server, attempt + 1, _maxRetries, delay, ex);

                // Idle pooled connections to a restarted server are broken too: drop them so the retry opens a new one.
                _dataSource.Clear();
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Translate(ex, opened, operation, attempt);
            }
        }
    }

    private PostgreSqlCacheException Translate(NpgsqlException exception, bool opened, string operation, int attempt)
    {
        var tries = string.Create(CultureInfo.InvariantCulture, $"{attempt + 1} attempt(s)");
        if (!opened)
        {
            return new PostgreSqlCacheException(Server, PostgreSqlCacheProblem.CannotConnect, $"no connection could be opened for {operation} after {tries}: {exception.Message}", exception);
        }

        if (exception is PostgresException pg && !IsTransient(pg))
        {
            return new PostgreSqlCacheException(Server, PostgreSqlCacheProblem.CommandFailed, $"the server refused {operation} (SQLSTATE {pg.SqlState}): {pg.MessageText}", exception);
        }

        return new PostgreSqlCacheException(Server, PostgreSqlCacheProblem.ConnectionLost, $"the connection failed during {operation} after {tries}: {exception.Message}", exception);
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 50 * Math.Pow(2, attempt)));

    private async Task MigrateAsync()
    {
        var latest = _migrations[^1].Version;
        while (true)
        {
            var (version, done) = await RunAsync("the schema migration", MigrateOneStepAsync, CancellationToken.None).ConfigureAwait(false);
            if (done)
            {
                SchemaVersion = version;
                PostgreSqlLog.SchemaReady(_logger, Server, version, latest);
                return;
            }
        }
    }

    /// <summary>
    /// Takes the schema one step forward in one transaction under the schema's advisory lock (a second node waits, then
    /// finds the step applied); reports the version and whether it is the latest.
    /// </summary>
    private async Task<(int Version, bool Done)> MigrateOneStepAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext($1));", cancellationToken, "audiovis-cache/migrate/" + SchemaName).ConfigureAwait(false);
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1;",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = SchemaName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count > 0 && !tables.Contains(PostgreSqlSchema.VersionTable, StringComparer.Ordinal))
        {
            throw new PostgreSqlCacheException(
                Server,
                PostgreSqlCacheProblem.ForeignDatabase,
                string.Create(CultureInfo.InvariantCulture, $"schema '{SchemaName}' holds {tables.Count} table(s) of another application ({string.Join(", ", tables.Take(5))}) and no {PostgreSqlSchema.VersionTable} table; choose another PostgreSqlCacheOptions.SchemaName"));
        }

        var version = 0;
        if (tables.Count == 0)
        {
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {QuotedSchema};", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {QuotedSchema}.{PostgreSqlSchema.VersionTable};", connection);
            version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var latest = _migrations[^1].Version;
        if (version > latest)
        {
            throw new PostgreSqlCacheException(
                Server,
                PostgreSqlCacheProblem.NewerSchema,
                string.Create(CultureInfo.InvariantCulture, $"its schema version {version} is newer than version {latest}, the newest this version of AudioVis.Cache.PostgreSql knows; update the library on this node"));
        }

        if (version == latest)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (version, true);
        }

        var step = _migrations.First(m => m.Version > version);
        try
        {
            await ExecuteAsync(connection, step.Sql.Replace("{schema}", QuotedSchema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                $"INSERT INTO {QuotedSchema}.{PostgreSqlSchema.VersionTable} (version, description) VALUES ($1, $2);",
                cancellationToken,
                step.Version,
                step.Description).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!IsTransient(ex))
        {
            throw new PostgreSqlCacheException(
                Server,
                PostgreSqlCacheProblem.MigrationFailed,
                string.Create(CultureInfo.InvariantCulture, $"the migration from schema version {version} to {step.Version} ({step.Description}) failed and was rolled back, so the schema is still at version {version} (SQLSTATE {ex.SqlState}: {ex.MessageText})"),
                ex);
        }

        PostgreSqlLog.Migrated(_logger, Server, step.Version, step.Description);
        return (step.Version, step.Version == latest);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
