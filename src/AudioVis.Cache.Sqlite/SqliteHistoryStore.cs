using System.Globalization;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Sqlite;

/// <summary>
/// An <see cref="IHistoryStore"/> in the <c>history_entries</c> and <c>history_elements</c> tables of an SQLite cache
/// database. Ids are stored as <c>Guid.ToString("D")</c> (lower-case, so <c>BINARY</c> order is the ordinal order of
/// <see cref="HistoryPaging"/>), times as UTC ticks, actions, statuses and triggers by their
/// <see cref="HistoryWireNames"/>, descriptor ids space-separated (their grammar has no spaces), element ids one row
/// each in <c>history_elements</c>, indexed for queries by element.
/// </summary>
/// <remarks>
/// Retention runs in the append's transaction: entries older than now − <see cref="HistoryRetentionOptions.MaxAge"/>
/// or beyond the newest <see cref="HistoryRetentionOptions.MaxEntries"/> are deleted (their element rows cascade).
/// The database is created with <c>auto_vacuum=INCREMENTAL</c>; when retention has left more than
/// <see cref="VacuumThresholdPages"/> free pages, <c>PRAGMA incremental_vacuum</c> gives them back in the same
/// transaction, so with retention the file does not grow with the number of appends.
/// </remarks>
internal sealed class SqliteHistoryStore : IHistoryStore, IAsyncDisposable, IDisposable
{
    /// <summary>Free pages tolerated before retention runs an incremental vacuum (64 pages of 4 KiB: 256 KiB).</summary>
    public const int VacuumThresholdPages = 64;

    private const string Columns = "h.seq, h.id, h.timestamp_utc_ticks, h.track_ref, h.profile_id, h.action, h.status, h.descriptor_ids, h.duration_ms, h.trigger, h.trigger_detail, h.job_id, h.attempt, h.error_type, h.error_message";

    private readonly SqliteCacheDatabase _database;
    private readonly HistoryRetentionOptions _retention;
    private readonly TimeProvider _time;
    private readonly bool _ownsDatabase;

    public SqliteHistoryStore(SqliteCacheDatabase database, HistoryRetentionOptions retention, TimeProvider time, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentNullException.ThrowIfNull(time);
        retention.Validate();
        _database = database;
        _retention = retention;
        _time = time;
        _ownsDatabase = ownsDatabase;
    }

    /// <inheritdoc/>
    public async ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default)
    {
        HistoryStoreGuard.ValidateBatch(entries);
        foreach (var entry in entries)
        {
            SqliteText.RequireStorable(entry.TrackRef, "Track reference", nameof(entries));
            foreach (var element in entry.ElementIds)
            {
                SqliteText.RequireStorable(element, "Element id", nameof(entries));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _database.WriteAsync(
            (connection, transaction, token) =>
            {
                Insert(connection, transaction, entries, token);
                return Trim(connection, transaction);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return _database.ReadAsync((connection, _) => Query(connection, query), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _database.WriteAsync((connection, transaction, _) => Trim(connection, transaction), cancellationToken);
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
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Insert(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<HistoryEntry> entries, CancellationToken token)
    {
        if (entries.Count == 0)
        {
            return;
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO history_entries (id, timestamp_utc_ticks, track_ref, profile_id, action, status, descriptor_ids, duration_ms, trigger, trigger_detail, job_id, attempt, error_type, error_message)
            VALUES ($id, $ticks, $track, $profile, $action, $status, $descriptors, $duration, $trigger, $detail, $job, $attempt, $error_type, $error_message)
            ON CONFLICT (id) DO NOTHING
            RETURNING seq;
            """;
        string[] names = ["$id", "$ticks", "$track", "$profile", "$action", "$status", "$descriptors", "$duration", "$trigger", "$detail", "$job", "$attempt", "$error_type", "$error_message"];
        var p = Array.ConvertAll(names, name =>
        {
            // No SqliteType: each value binds as its own type (ticks as INTEGER, text as TEXT).
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
            return parameter;
        });
        using var element = connection.CreateCommand();
        element.Transaction = transaction;
        element.CommandText = "INSERT INTO history_elements (entry_seq, element_id) VALUES ($seq, $element);";
        var seqParameter = element.Parameters.Add("$seq", SqliteType.Integer);
        var elementParameter = element.Parameters.Add("$element", SqliteType.Text);
        foreach (var entry in entries)
        {
            token.ThrowIfCancellationRequested();
            p[0].Value = entry.Id.ToString("D");
            p[1].Value = entry.Timestamp.UtcTicks;
            p[2].Value = entry.TrackRef;
            p[3].Value = entry.AnalysisProfileId;
            p[4].Value = HistoryWireNames.Of(entry.Action);
            p[5].Value = HistoryWireNames.Of(entry.Status);
            p[6].Value = string.Join(' ', entry.DescriptorIds);
            p[7].Value = entry.DurationMs;
            p[8].Value = HistoryWireNames.Of(entry.Trigger);
            p[9].Value = (object?)entry.TriggerDetail ?? DBNull.Value;
            p[10].Value = entry.JobId is { } job ? job : DBNull.Value;
            p[11].Value = entry.Attempt;
            p[12].Value = (object?)entry.ErrorType ?? DBNull.Value;
            p[13].Value = (object?)entry.ErrorMessage ?? DBNull.Value;
            if (insert.ExecuteScalar() is not long seq)
            {
                continue; // already stored: a retried append is harmless
            }

            seqParameter.Value = seq;
            foreach (var id in entry.ElementIds)
            {
                elementParameter.Value = id;
                element.ExecuteNonQuery();
            }
        }
    }

    private int Trim(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM history_entries
            WHERE timestamp_utc_ticks < $oldest
               OR seq IN (SELECT seq FROM history_entries ORDER BY timestamp_utc_ticks DESC, id DESC LIMIT -1 OFFSET $max);
            """;
        delete.Parameters.AddWithValue("$oldest", HistoryStoreGuard.OldestKept(_retention, _time.GetUtcNow()).UtcTicks);
        delete.Parameters.AddWithValue("$max", _retention.MaxEntries);
        var deleted = delete.ExecuteNonQuery();
        if (deleted > 0)
        {
            using var free = connection.CreateCommand();
            free.Transaction = transaction;
            free.CommandText = "PRAGMA freelist_count;";
            if (Convert.ToInt64(free.ExecuteScalar(), CultureInfo.InvariantCulture) > VacuumThresholdPages)
            {
                free.CommandText = "PRAGMA incremental_vacuum;";
                using var reader = free.ExecuteReader();
                while (reader.Read())
                {
                }
            }
        }

        return deleted;
    }

    private HistoryPage Query(SqliteConnection connection, HistoryQuery query)
    {
        using var command = connection.CreateCommand();
        var where = new StringBuilder();
        void Filter(string clause, params (string Name, object Value)[] values)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(clause);
            foreach (var (name, value) in values)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        if (query.ContinuationToken is { } token)
        {
            var (ticks, id) = HistoryPaging.ParseToken(token);
            Filter("(h.timestamp_utc_ticks, h.id) < ($after_ticks, $after_id)", ("$after_ticks", ticks), ("$after_id", id.ToString("D")));
        }

        if (query.TrackRef is { } track)
        {
            Filter("h.track_ref = $track", ("$track", track));
        }

        if (query.AnalysisProfileId is { } profile)
        {
            Filter("h.profile_id = $profile", ("$profile", profile));
        }

        if (query.Action is { } action)
        {
            Filter("h.action = $action", ("$action", HistoryWireNames.Of(action)));
        }

        if (query.Status is { } status)
        {
            Filter("h.status = $status", ("$status", HistoryWireNames.Of(status)));
        }

        if (query.From is { } from)
        {
            Filter("h.timestamp_utc_ticks >= $from", ("$from", from.UtcTicks));
        }

        if (query.Until is { } until)
        {
            Filter("h.timestamp_utc_ticks < $until", ("$until", until.UtcTicks));
        }

        if (query.ElementId is { } elementId)
        {
            Filter("h.seq IN (SELECT entry_seq FROM history_elements WHERE element_id = $element)", ("$element", elementId));
        }

        // One statement, so the page (entries and their element rows) is one snapshot.
        command.CommandText = $"""
            WITH page AS (
                SELECT {Columns} FROM history_entries h{where}
                ORDER BY h.timestamp_utc_ticks DESC, h.id DESC
                LIMIT $limit)
            SELECT h.*, e.element_id FROM page h LEFT JOIN history_elements e ON e.entry_seq = h.seq
            ORDER BY h.timestamp_utc_ticks DESC, h.id DESC;
            """;
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        var entries = new List<HistoryEntry>(Math.Min(query.PageSize + 1, 64));
        using (var reader = command.ExecuteReader())
        {
            long? currentSeq = null;
            object[]? row = null;
            var elements = new List<string>();
            while (reader.Read())
            {
                var seq = reader.GetInt64(0);
                if (seq != currentSeq)
                {
                    if (row is not null)
                    {
                        entries.Add(ReadEntry(row, elements));
                    }

                    currentSeq = seq;
                    row = new object[15];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.GetValue(i);
                    }

                    elements = [];
                }

                if (!reader.IsDBNull(15))
                {
                    elements.Add(reader.GetString(15));
                }
            }

            if (row is not null)
            {
                entries.Add(ReadEntry(row, elements));
            }
        }

        if (entries.Count <= query.PageSize)
        {
            return new HistoryPage(entries, null);
        }

        entries.RemoveAt(entries.Count - 1);
        return new HistoryPage(entries, HistoryPaging.CreateToken(entries[^1]));
    }

    private HistoryEntry ReadEntry(object[] row, List<string> elements)
    {
        var id = row[1] as string;
        try
        {
            static string? Text(object value) => value is DBNull ? null : (string)value;
            return new HistoryEntry(
                Guid.ParseExact(id!, "D"),
                new DateTimeOffset((long)row[2], TimeSpan.Zero),
                new CacheKey((string)row[3], (string)row[4]),
                HistoryWireNames.ParseAction((string)row[5]),
                Array.ConvertAll(((string)row[7]).Split(' '), DescriptorId.Parse),
                HistoryWireNames.ParseStatus((string)row[6]),
                (long)row[8],
                elements,
                HistoryWireNames.ParseTrigger((string)row[9]),
                Text(row[10]),
                row[11] is DBNull ? null : (long)row[11],
                checked((int)(long)row[12]),
                Text(row[13]),
                Text(row[14]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidCastException or NullReferenceException)
        {
            throw _database.RowError("history_entries", $"entry '{id}'", ex);
        }
    }
}
