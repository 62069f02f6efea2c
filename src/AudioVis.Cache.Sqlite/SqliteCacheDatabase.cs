using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Sqlite;

/// <summary>
/// One SQLite cache database file, shared by the metadata store and the history store: opens or creates it, checks
/// it, migrates it, and runs every operation on a pooled connection with the busy handling below.
/// </summary>
/// <remarks>
/// <para>
/// Durability: the file is in WAL mode with <c>synchronous=FULL</c>, so a write is on disk when its call completes and
/// survives a power cut, as the store contracts promise ("durable when it completes"). <c>NORMAL</c> would save one
/// fsync per commit but may lose the last commits on power loss; writes are already batched (one transaction per call),
/// so the cost of FULL is one WAL fsync per batch.
/// </para>
/// <para>
/// Sharing: writes run in <c>BEGIN IMMEDIATE</c> transactions (the write lock is taken up front, so two processes
/// never deadlock upgrading a read lock), one writer at a time per process (an async gate), and wait up to the busy
/// timeout for other processes. A write that still finds the database busy is retried after a growing, bounded
/// back-off on the <see cref="TimeProvider"/>; when the retries run out a <see cref="CacheDatabaseException"/>
/// (<see cref="CacheDatabaseProblem.Locked"/>) is thrown. Reads never wait for writers (WAL snapshots).
/// </para>
/// <para>
/// Nothing is written to a file that fails a check: the header, the application id, the schema version and
/// (optionally) <c>PRAGMA quick_check</c> are read before WAL mode is set or a migration runs.
/// </para>
/// </remarks>
internal sealed class SqliteCacheDatabase : IAsyncDisposable, IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADb = 26;
    private const int SqliteCantOpen = 14;
    private const int SqliteIoErr = 10;

    private static readonly byte[] Header = Encoding.ASCII.GetBytes("SQLite format 3\0");
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly int _maxBusyRetries;
    private int _disposed;

    private SqliteCacheDatabase(string path, SqliteCacheOptions options, TimeProvider time)
    {
        DatabasePath = path;
        _time = time;
        _maxBusyRetries = options.MaxBusyRetries;
        var busyMs = (long)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Microsoft.Data.Sqlite's own retry of a busy statement stops after this many seconds; keep it within the busy timeout.
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMs}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA journal_size_limit = {4 * 1024 * 1024};");
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the schema version of the open database.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Opens (creating and migrating as needed) the database at <paramref name="path"/>.</summary>
    /// <exception cref="CacheDatabaseException">The file cannot be used; it is left as it was.</exception>
    public static SqliteCacheDatabase Open(string path, SqliteCacheOptions options, TimeProvider time) =>
        Open(path, options, time, SqliteSchema.Migrations);

    /// <summary>Opens the database with a given migration list (tests build older schema versions with a prefix of it).</summary>
    internal static SqliteCacheDatabase Open(string path, SqliteCacheOptions options, TimeProvider time, IReadOnlyList<SqliteMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(migrations);
        var fullPath = Path.GetFullPath(path);
        try
        {
            return OpenCore(fullPath, options, time, migrations);
        }
        catch (CacheDatabaseException ex) when (options.RebuildUnusableDatabase && ex.CanRebuild && ex.Problem != CacheDatabaseProblem.MigrationFailed)
        {
            MoveAside(fullPath, time);
            return OpenCore(fullPath, options, time, migrations);
        }
    }

    /// <summary>Opens a pooled connection with the per-connection settings applied.</summary>
    public SqliteConnection OpenConnection()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs a read on its own connection; busy and damaged databases are retried or reported as for writes.</summary>
    public async ValueTask<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, T> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var connection = OpenConnection();
                return read(connection, cancellationToken);
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < _maxBusyRetries)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw Translate(ex, attempt);
            }
        }
    }

    /// <summary>
    /// Runs a write in one <c>BEGIN IMMEDIATE</c> transaction, committed only when <paramref name="write"/> returns and the
    /// token is not cancelled; retried as a whole when the database stays busy.
    /// </summary>
    public async ValueTask<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, T> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    using var connection = OpenConnection();
                    using var transaction = connection.BeginTransaction(deferred: false);
                    var result = write(connection, transaction, cancellationToken);
                    cancellationToken.ThrowIfCancellationRequested();
                    transaction.Commit();
                    return result;
                }
                catch (SqliteException ex) when (IsBusy(ex) && attempt < _maxBusyRetries)
                {
                    await Task.Delay(Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException ex)
                {
                    throw Translate(ex, attempt);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Builds the error for a row that cannot be read back.</summary>
    public CacheDatabaseException RowError(string table, string what, Exception inner) =>
        new(DatabasePath, CacheDatabaseProblem.Corrupt, $"a row of {table} cannot be read back ({what}): {inner.Message}", inner);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Fold the WAL back into the file so the next process (or a copy of the file) starts from one file; best effort.
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Another connection is busy: SQLite checkpoints later on its own.
        }

        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writeGate.Dispose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static SqliteCacheDatabase OpenCore(string path, SqliteCacheOptions options, TimeProvider time, IReadOnlyList<SqliteMigration> migrations)
    {
        try
        {
            var folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CacheDatabaseException(path, CacheDatabaseProblem.CannotOpen, $"its folder cannot be created: {ex.Message}", ex);
        }

        if (Directory.Exists(path))
        {
            throw new CacheDatabaseException(path, CacheDatabaseProblem.CannotOpen, "the path is a folder, not a file");
        }

        CheckHeader(path);
        var database = new SqliteCacheDatabase(path, options, time);
        try
        {
            database.Initialize(options, migrations);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    private static void CheckHeader(string path)
    {
        byte[] start;
        try
        {
            if (!File.Exists(path))
            {
                return;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            start = new byte[Math.Min(stream.Length, 100)];
            stream.ReadExactly(start);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CacheDatabaseException(path, CacheDatabaseProblem.CannotOpen, $"the file cannot be read: {ex.Message}", ex);
        }

        // An empty file is a new database (SQLite writes the first page on the first write).
        if (start.Length > 0 && (start.Length < 100 || !start.AsSpan(0, Header.Length).SequenceEqual(Header)))
        {
            throw new CacheDatabaseException(path, CacheDatabaseProblem.NotADatabase, "the file does not start with the SQLite header ('SQLite format 3'), so it is not an SQLite database");
        }
    }

    private static void MoveAside(string path, TimeProvider time)
    {
        var suffix = ".unusable-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        foreach (var extra in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(path + extra))
            {
                File.Move(path + extra, path + suffix + extra);
            }
        }
    }

    private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is SqliteBusy or SqliteLocked;

    private static long ScalarInt64(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private TimeSpan Backoff(int attempt)
    {
        // 25 ms, 50 ms, 100 ms … up to 1 s, with up to 50 % jitter so two processes do not retry in lockstep.
        var baseDelay = TimeSpan.FromMilliseconds(25 * Math.Pow(2, Math.Min(attempt, 10)));
        var capped = baseDelay < MaxBackoff ? baseDelay : MaxBackoff;
        return capped + (capped * (Random.Shared.NextDouble() / 2));
    }

    private CacheDatabaseException Translate(SqliteException ex, int attempts) => ex.SqliteErrorCode switch
    {
        SqliteBusy or SqliteLocked => new CacheDatabaseException(
            DatabasePath,
            CacheDatabaseProblem.Locked,
            $"another connection held the lock through the busy timeout and {attempts} retr{(attempts == 1 ? "y" : "ies")} ({ex.Message})",
            ex),
        SqliteCorrupt => new CacheDatabaseException(DatabasePath, CacheDatabaseProblem.Corrupt, $"SQLite reports the file as damaged ({ex.Message})", ex),
        SqliteNotADb => new CacheDatabaseException(DatabasePath, CacheDatabaseProblem.NotADatabase, $"SQLite says the file is not a database ({ex.Message})", ex),
        SqliteCantOpen or SqliteIoErr => new CacheDatabaseException(DatabasePath, CacheDatabaseProblem.CannotOpen, $"SQLite cannot open or read the file ({ex.Message})", ex),
        _ => new CacheDatabaseException(DatabasePath, CacheDatabaseProblem.CannotOpen, $"SQLite error {ex.SqliteErrorCode} ({ex.Message})", ex),
    };

    private void Initialize(SqliteCacheOptions options, IReadOnlyList<SqliteMigration> migrations)
    {
        var latest = migrations[^1].Version;
        try
        {
            using var connection = OpenConnection();

            // Read-only checks first: nothing below writes until the file is known to be ours and healthy.
            var applicationId = ScalarInt64(connection, "PRAGMA application_id;");
            var version = ScalarInt64(connection, "PRAGMA user_version;");
            var objects = ScalarInt64(connection, "SELECT count(*) FROM sqlite_schema;");
            if (applicationId != SqliteSchema.ApplicationId && (applicationId != 0 || objects > 0))
            {
                throw new CacheDatabaseException(
                    DatabasePath,
                    CacheDatabaseProblem.ForeignDatabase,
                    string.Create(CultureInfo.InvariantCulture, $"it is an SQLite database of another application (application_id 0x{applicationId:X8}, {objects} schema objects), not an AudioVis.Cache database (0x{SqliteSchema.ApplicationId:X8})"));
            }

            if (version > latest)
            {
                throw new CacheDatabaseException(
                    DatabasePath,
                    CacheDatabaseProblem.NewerSchema,
                    string.Create(CultureInfo.InvariantCulture, $"its schema version {version} is newer than version {latest}, the newest this version of AudioVis.Cache.Sqlite knows; update the library, or rebuild the cache"));
            }

            if (options.VerifyOnOpen && objects > 0)
            {
                QuickCheck(connection);
                VerifySchema(connection, migrations, version);
            }

            if (objects == 0)
            {
                // Only possible before the first table exists; lets retention give pages back (see SqliteHistoryStore).
                Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL;");
            }

            Execute(connection, "PRAGMA journal_mode = WAL;");
            SchemaVersion = version < latest ? Migrate(connection, migrations) : (int)version;
        }
        catch (SqliteException ex)
        {
            throw Translate(ex, 0);
        }
    }

    private void QuickCheck(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(10);";
        var problems = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                problems.Add(reader.GetString(0));
            }
        }

        if (problems is not ["ok"])
        {
            throw new CacheDatabaseException(DatabasePath, CacheDatabaseProblem.Corrupt, $"PRAGMA quick_check found damage: {string.Join("; ", problems)}");
        }
    }

    /// <summary>
    /// Compares the schema in the file with the one its version's migrations create. quick_check does not read the schema's
    /// text: a damaged byte there can rename a column, which then breaks every query.
    /// </summary>
    private void VerifySchema(SqliteConnection connection, IReadOnlyList<SqliteMigration> migrations, long version)
    {
        using var expectedDatabase = new SqliteConnection("Data Source=:memory:");
        expectedDatabase.Open();
        foreach (var migration in migrations.Where(m => m.Version <= version))
        {
            Execute(expectedDatabase, migration.Sql);
        }

        var expected = ReadSchema(expectedDatabase);
        var actual = ReadSchema(connection);
        if (!actual.SequenceEqual(expected, StringComparer.Ordinal))
        {
            var difference = actual.Except(expected, StringComparer.Ordinal).FirstOrDefault() ?? "(an object is missing)";
            throw new CacheDatabaseException(
                DatabasePath,
                CacheDatabaseProblem.Corrupt,
                string.Create(CultureInfo.InvariantCulture, $"its schema is not the one schema version {version} defines; first difference: {difference}"));
        }
    }

    private static List<string> ReadSchema(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || ifnull(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY type, name;";
        var rows = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private int Migrate(SqliteConnection connection, IReadOnlyList<SqliteMigration> migrations)
    {
        using var transaction = connection.BeginTransaction(deferred: false);

        // Read again under the write lock: another process may have migrated since the check above.
        var version = (int)ScalarInt64(connection, "PRAGMA user_version;", transaction);
        var target = migrations[^1].Version;
        var step = version;
        try
        {
            foreach (var migration in migrations)
            {
                if (migration.Version <= version)
                {
                    continue;
                }

                step = migration.Version;
                Execute(connection, migration.Sql, transaction);
                using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, description, applied_at_utc_ticks) VALUES ($version, $description, $ticks);";
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$description", migration.Description);
                record.Parameters.AddWithValue("$ticks", _time.GetUtcNow().UtcTicks);
                record.ExecuteNonQuery();
            }

            Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {target};"), transaction);
            transaction.Commit();
            return target;
        }
        catch (SqliteException ex) when (!IsBusy(ex))
        {
            transaction.Rollback();
            throw new CacheDatabaseException(
                DatabasePath,
                CacheDatabaseProblem.MigrationFailed,
                string.Create(CultureInfo.InvariantCulture, $"the migration from schema version {version} to {target} failed at step {step} and was rolled back, so the file is unchanged ({ex.Message})"),
                ex);
        }
    }
}
