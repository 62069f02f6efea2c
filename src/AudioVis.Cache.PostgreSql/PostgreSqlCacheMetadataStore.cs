using System.Collections.Concurrent;
using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Npgsql;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// An <see cref="ICacheMetadataStore"/> in the <c>cache_metadata</c> table of the shared PostgreSQL schema: one row per
/// {track, profile, descriptor}. An upsert is one <c>INSERT … ON CONFLICT DO UPDATE</c> over arrays (one round trip per
/// batch) and a removal one <c>DELETE</c>; each runs in a transaction that also sends a change notification
/// (<c>pg_notify</c>), which PostgreSQL delivers to the other nodes only when the transaction commits.
/// </summary>
/// <remarks>
/// Order: descriptor ids are ASCII and the column uses the <c>"C"</c> collation, so the database's order is ordinal.
/// Keys are sorted in C# after reading (UTF-8 byte order differs from UTF-16 ordinal order above U+FFFF). A batch's rows
/// are written in descriptor order, so two nodes replacing the same records take their row locks in the same order and
/// never deadlock.
/// </remarks>
internal sealed class PostgreSqlCacheMetadataStore : ICacheMetadataStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "descriptor_id, profile_revision_hash, parameters, source_content_hash, calculator_id, calculator_version, analyzed_at_utc_ticks, analyzed_at_offset_minutes";

    private const int MaxCachedParameters = 256;

    private readonly PostgreSqlCacheDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ConcurrentDictionary<string, AnalysisParameters> _parsedParameters = new(StringComparer.Ordinal);
    private readonly string _selectRecords;
    private readonly string _selectKeys;
    private readonly string _upsert;
    private readonly string _delete;

    public PostgreSqlCacheMetadataStore(PostgreSqlCacheDatabase database, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _ownsDatabase = ownsDatabase;
        var table = database.QuotedSchema + ".cache_metadata";
        _selectRecords = $"SELECT {Columns} FROM {table} WHERE track_ref = $1 AND profile_id = $2 ORDER BY descriptor_id;";
        _selectKeys = $"SELECT DISTINCT track_ref, profile_id FROM {table};";
        _upsert = $"""
            INSERT INTO {table} (track_ref, profile_id, {Columns})
            SELECT $1, $2, u.* FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::bigint[], $10::integer[]) AS u
            ON CONFLICT (track_ref, profile_id, descriptor_id) DO UPDATE SET
                profile_revision_hash = EXCLUDED.profile_revision_hash,
                parameters = EXCLUDED.parameters,
                source_content_hash = EXCLUDED.source_content_hash,
                calculator_id = EXCLUDED.calculator_id,
                calculator_version = EXCLUDED.calculator_version,
                analyzed_at_utc_ticks = EXCLUDED.analyzed_at_utc_ticks,
                analyzed_at_offset_minutes = EXCLUDED.analyzed_at_offset_minutes;
            """;
        _delete = $"DELETE FROM {table} WHERE track_ref = $1 AND profile_id = $2 AND descriptor_id = ANY($3::text[]);";
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        return _database.ReadAsync<IReadOnlyList<CacheMetadataRecord>>(
            "reading the records of a key",
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(_selectRecords, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = key.TrackRef });
                command.Parameters.Add(new NpgsqlParameter { Value = key.AnalysisProfileId });
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var records = new List<CacheMetadataRecord>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    records.Add(ReadRecord(key, reader));
                }

                return records.ToArray();
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync<IReadOnlyList<CacheKey>>(
            "listing the keys",
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(_selectKeys, connection);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var keys = new List<CacheKey>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    keys.Add(ReadKey(reader.GetString(0), reader.GetString(1)));
                }

                var sorted = keys.ToArray();
                Array.Sort(sorted);
                return sorted;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
    {
        StoreGuard.ValidateBatch(key, records);
        PostgreSqlText.RequireStorable(key, records);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return;
        }

        var ordered = records.OrderBy(r => r.Descriptor.ToString(), StringComparer.Ordinal).ToArray();
        object[] columns =
        [
            Array.ConvertAll(ordered, r => r.Descriptor.ToString()),
            Array.ConvertAll(ordered, r => r.ProfileRevisionHash.Value),
            Array.ConvertAll(ordered, r => r.Parameters?.ToCanonicalText()),
            Array.ConvertAll(ordered, r => r.SourceContentHash),
            Array.ConvertAll(ordered, r => r.CalculatorId),
            Array.ConvertAll(ordered, r => r.CalculatorVersion),
            Array.ConvertAll(ordered, r => r.AnalyzedAt.UtcTicks),
            Array.ConvertAll(ordered, r => (int)r.AnalyzedAt.Offset.TotalMinutes),
        ];
        await _database.WriteAsync(
            "upserting records",
            async (connection, _, token) =>
            {
                await using var batch = new NpgsqlBatch(connection);
                var upsert = new NpgsqlBatchCommand(_upsert);
                upsert.Parameters.Add(new NpgsqlParameter { Value = key.TrackRef });
                upsert.Parameters.Add(new NpgsqlParameter { Value = key.AnalysisProfileId });
                foreach (var column in columns)
                {
                    upsert.Parameters.Add(new NpgsqlParameter { Value = column });
                }

                batch.BatchCommands.Add(upsert);
                batch.BatchCommands.Add(NotifyCommand(key));
                await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        StoreGuard.ValidateDescriptors(descriptors);
        cancellationToken.ThrowIfCancellationRequested();
        if (descriptors.Count == 0)
        {
            return 0;
        }

        var ids = descriptors.Select(d => d.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return await _database.WriteAsync(
            "removing records",
            async (connection, _, token) =>
            {
                int removed;
                await using (var delete = new NpgsqlCommand(_delete, connection))
                {
                    delete.Parameters.Add(new NpgsqlParameter { Value = key.TrackRef });
                    delete.Parameters.Add(new NpgsqlParameter { Value = key.AnalysisProfileId });
                    delete.Parameters.Add(new NpgsqlParameter { Value = ids });
                    removed = await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                if (removed > 0)
                {
                    await using var batch = new NpgsqlBatch(connection);
                    batch.BatchCommands.Add(NotifyCommand(key));
                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return removed;
            },
            cancellationToken).ConfigureAwait(false);
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

    private NpgsqlBatchCommand NotifyCommand(CacheKey key)
    {
        var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2);");
        notify.Parameters.Add(new NpgsqlParameter { Value = _database.Channel });
        notify.Parameters.Add(new NpgsqlParameter { Value = PostgreSqlChangePayload.Encode(key) });
        return notify;
    }

    private CacheKey ReadKey(string trackRef, string profileId)
    {
        try
        {
            return new CacheKey(trackRef, profileId);
        }
        catch (ArgumentException ex)
        {
            throw _database.RowError("cache_metadata", $"key '{trackRef}' | '{profileId}'", ex);
        }
    }

    /// <summary>Parses each distinct parameters text once (a database holds a handful), so records share one instance and its memoized revision hash.</summary>
    private AnalysisParameters Parameters(string canonicalText)
    {
        if (!_parsedParameters.TryGetValue(canonicalText, out var parsed))
        {
            if (_parsedParameters.Count >= MaxCachedParameters)
            {
                _parsedParameters.Clear();
            }

            parsed = _parsedParameters.GetOrAdd(canonicalText, AnalysisParameters.ParseCanonicalText);
        }

        return parsed;
    }

    private CacheMetadataRecord ReadRecord(CacheKey key, NpgsqlDataReader reader)
    {
        var descriptorText = reader.GetString(0);
        try
        {
            var analyzedAt = new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.GetInt32(7)));
            return new CacheMetadataRecord(
                key,
                DescriptorId.Parse(descriptorText),
                ProfileRevisionHash.Parse(reader.GetString(1)),
                reader.IsDBNull(2) ? null : Parameters(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                analyzedAt);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            throw _database.RowError("cache_metadata", string.Create(CultureInfo.InvariantCulture, $"{key} descriptor '{descriptorText}'"), ex);
        }
    }
}
