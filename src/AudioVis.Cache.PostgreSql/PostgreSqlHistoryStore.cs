using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Npgsql;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// An <see cref="IHistoryStore"/> in the <c>history_entries</c> table of the shared PostgreSQL schema. Ids are stored
/// as <c>Guid.ToString("D")</c> in a <c>"C"</c>-collated column (so the database orders them as
/// <see cref="HistoryPaging"/> does), times as UTC ticks, actions, statuses and triggers by their
/// <see cref="HistoryWireNames"/>, descriptor and element ids as arrays (element ids GIN-indexed for queries by element).
/// </summary>
/// <remarks>
/// Retention runs in the append's transaction. Appends and retention of every node take one transaction-scoped
/// advisory lock per schema, so "keep the newest N" holds exactly even when several nodes append at once; reads never
/// wait (each query is one statement, one snapshot).
/// </remarks>
internal sealed class PostgreSqlHistoryStore : IHistoryStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "id, timestamp_utc_ticks, track_ref, profile_id, action, status, descriptor_ids, duration_ms, trigger, trigger_detail, job_id, attempt, error_type, error_message, element_ids";

    private readonly PostgreSqlCacheDatabase _database;
    private readonly HistoryRetentionOptions _retention;
    private readonly TimeProvider _time;
    private readonly bool _ownsDatabase;
    private readonly string _table;
    private readonly string _lockKey;

    public PostgreSqlHistoryStore(PostgreSqlCacheDatabase database, HistoryRetentionOptions retention, TimeProvider time, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentNullException.ThrowIfNull(time);
        retention.Validate();
        _database = database;
        _retention = retention;
        _time = time;
        _ownsDatabase = ownsDatabase;
        _table = database.QuotedSchema + ".history_entries";
        _lockKey = "audiovis-cache/history/" + database.SchemaName;
    }

    /// <inheritdoc/>
    public async ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default)
    {
        HistoryStoreGuard.ValidateBatch(entries);
        PostgreSqlText.RequireStorable(entries);
        cancellationToken.ThrowIfCancellationRequested();
        await _database.WriteAsync(
            "appending history entries",
            async (connection, _, token) =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(LockCommand());
                foreach (var entry in entries)
                {
                    batch.BatchCommands.Add(InsertCommand(entry));
                }

                await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return await TrimAsync(connection, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return _database.ReadAsync("querying the history", (connection, token) => QueryCoreAsync(connection, query, token), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _database.WriteAsync(
            "applying history retention",
            async (connection, _, token) =>
            {
                await using (var batch = new NpgsqlBatch(connection))
                {
                    batch.BatchCommands.Add(LockCommand());
                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return await TrimAsync(connection, token).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDatabase)
        {
            _database.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _ownsDatabase ? _database.DisposeAsync() : ValueTask.CompletedTask;

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private NpgsqlBatchCommand LockCommand() => Command("SELECT pg_advisory_xact_lock(hashtext($1));", _lockKey);

    private NpgsqlBatchCommand InsertCommand(HistoryEntry entry)
    {
        var command = Command(
            $"INSERT INTO {_table} ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING;",
            entry.Id.ToString("D"),
            entry.Timestamp.UtcTicks,
            entry.TrackRef,
            entry.AnalysisProfileId,
            HistoryWireNames.Of(entry.Action),
            HistoryWireNames.Of(entry.Status),
            entry.DescriptorIds.Select(d => d.ToString()).ToArray(),
            entry.DurationMs,
            HistoryWireNames.Of(entry.Trigger),
            entry.TriggerDetail,
            entry.JobId,
            entry.Attempt,
            entry.ErrorType,
            entry.ErrorMessage,
            entry.ElementIds.ToArray());

        // Typed, so a null of a nullable column binds (an untyped DBNull has no type to infer).
        command.Parameters[9].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        command.Parameters[10].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint;
        command.Parameters[12].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        command.Parameters[13].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        return command;
    }

    private async Task<int> TrimAsync(NpgsqlConnection connection, CancellationToken token)
    {
        await using var delete = new NpgsqlCommand(
            $"""
            DELETE FROM {_table}
            WHERE timestamp_utc_ticks < $1
               OR seq IN (SELECT seq FROM {_table} ORDER BY timestamp_utc_ticks DESC, id DESC OFFSET $2);
            """,
            connection);
        delete.Parameters.Add(new NpgsqlParameter { Value = HistoryStoreGuard.OldestKept(_retention, _time.GetUtcNow()).UtcTicks });
        delete.Parameters.Add(new NpgsqlParameter { Value = (long)_retention.MaxEntries });
        return await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
    }

    private async Task<HistoryPage> QueryCoreAsync(NpgsqlConnection connection, HistoryQuery query, CancellationToken token)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new StringBuilder();
        void Filter(string clause, params object[] values)
        {
            var sql = clause;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = values[i] });
                sql = sql.Replace("{" + i + "}", "$" + command.Parameters.Count, StringComparison.Ordinal);
            }

            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(sql);
        }

        if (query.ContinuationToken is { } continuation)
        {
            var (ticks, id) = HistoryPaging.ParseToken(continuation);
            Filter("(timestamp_utc_ticks, id) < ({0}, {1})", ticks, id.ToString("D"));
        }

        if (query.TrackRef is { } track)
        {
            Filter("track_ref = {0}", track);
        }

        if (query.AnalysisProfileId is { } profile)
        {
            Filter("profile_id = {0}", profile);
        }

        if (query.Action is { } action)
        {
            Filter("action = {0}", HistoryWireNames.Of(action));
        }

        if (query.Status is { } status)
        {
            Filter("status = {0}", HistoryWireNames.Of(status));
        }

        if (query.From is { } from)
        {
            Filter("timestamp_utc_ticks >= {0}", from.UtcTicks);
        }

        if (query.Until is { } until)
        {
            Filter("timestamp_utc_ticks < {0}", until.UtcTicks);
        }

        if (query.ElementId is { } elementId)
        {
            Filter("element_ids @> ARRAY[{0}]::text[]", elementId);
        }

        command.Parameters.Add(new NpgsqlParameter { Value = query.PageSize + 1 });
        command.CommandText = $"SELECT {Columns} FROM {_table}{where} ORDER BY timestamp_utc_ticks DESC, id DESC LIMIT ${command.Parameters.Count};";
        var entries = new List<HistoryEntry>(Math.Min(query.PageSize + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                entries.Add(ReadEntry(reader));
            }
        }

        if (entries.Count <= query.PageSize)
        {
            return new HistoryPage(entries, null);
        }

        entries.RemoveAt(entries.Count - 1);
        return new HistoryPage(entries, HistoryPaging.CreateToken(entries[^1]));
    }

    private HistoryEntry ReadEntry(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        try
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            return new HistoryEntry(
                Guid.ParseExact(id, "D"),
                new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                new CacheKey(reader.GetString(2), reader.GetString(3)),
                HistoryWireNames.ParseAction(reader.GetString(4)),
                Array.ConvertAll(reader.GetFieldValue<string[]>(6), DescriptorId.Parse),
                HistoryWireNames.ParseStatus(reader.GetString(5)),
                reader.GetInt64(7),
                reader.GetFieldValue<string[]>(14),
                HistoryWireNames.ParseTrigger(reader.GetString(8)),
                Text(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10),
                reader.GetInt32(11),
                Text(12),
                Text(13));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            throw _database.RowError("history_entries", $"entry '{id}'", ex);
        }
    }
}
