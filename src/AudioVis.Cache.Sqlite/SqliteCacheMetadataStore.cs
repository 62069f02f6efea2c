using System.Collections.Concurrent;
using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Sqlite;

/// <summary>
/// An <see cref="ICacheMetadataStore"/> in the <c>cache_metadata</c> table of an SQLite cache database: one row per
/// {track, profile, descriptor}, parameters in their canonical text, the analysis time as UTC ticks plus its offset.
/// </summary>
/// <remarks>
/// Order: descriptor ids are ASCII by their grammar, so SQLite's <c>BINARY</c> collation (UTF-8 bytes) gives the
/// ordinal order. Track references may hold any character, and UTF-8 byte order differs from UTF-16 ordinal order for
/// characters above U+FFFF, so keys are sorted in C# after reading.
/// </remarks>
internal sealed class SqliteCacheMetadataStore : ICacheMetadataStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "descriptor_id, profile_revision_hash, parameters, source_content_hash, calculator_id, calculator_version, analyzed_at_utc_ticks, analyzed_at_offset_minutes";

    private const int MaxCachedParameters = 256;

    private readonly SqliteCacheDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ConcurrentDictionary<string, AnalysisParameters> _parameters = new(StringComparer.Ordinal);

    public SqliteCacheMetadataStore(SqliteCacheDatabase database, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        return _database.ReadAsync<IReadOnlyList<CacheMetadataRecord>>(
            (connection, _) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM cache_metadata WHERE track_ref = $track AND profile_id = $profile ORDER BY descriptor_id COLLATE BINARY;";
                command.Parameters.AddWithValue("$track", key.TrackRef);
                command.Parameters.AddWithValue("$profile", key.AnalysisProfileId);
                using var reader = command.ExecuteReader();
                var records = new List<CacheMetadataRecord>();
                while (reader.Read())
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
            (connection, _) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT DISTINCT track_ref, profile_id FROM cache_metadata;";
                using var reader = command.ExecuteReader();
                var keys = new List<CacheKey>();
                while (reader.Read())
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
        SqliteText.RequireStorable(key.TrackRef, "Track reference", nameof(key));
        foreach (var record in records)
        {
            SqliteText.RequireStorable(record.SourceContentHash, "Source content hash", nameof(records));
            SqliteText.RequireStorable(record.CalculatorId, "Calculator id", nameof(records));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return;
        }

        await _database.WriteAsync(
            (connection, transaction, token) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"INSERT OR REPLACE INTO cache_metadata (track_ref, profile_id, {Columns}) VALUES ($track, $profile, $descriptor, $revision, $parameters, $source, $calculator, $version, $ticks, $offset);";
                command.Parameters.AddWithValue("$track", key.TrackRef);
                command.Parameters.AddWithValue("$profile", key.AnalysisProfileId);
                var descriptor = command.Parameters.Add("$descriptor", SqliteType.Text);
                var revision = command.Parameters.Add("$revision", SqliteType.Text);
                var parameters = command.Parameters.Add("$parameters", SqliteType.Text);
                var source = command.Parameters.Add("$source", SqliteType.Text);
                var calculator = command.Parameters.Add("$calculator", SqliteType.Text);
                var version = command.Parameters.Add("$version", SqliteType.Integer);
                var ticks = command.Parameters.Add("$ticks", SqliteType.Integer);
                var offset = command.Parameters.Add("$offset", SqliteType.Integer);
                foreach (var record in records)
                {
                    token.ThrowIfCancellationRequested();
                    descriptor.Value = record.Descriptor.ToString();
                    revision.Value = record.ProfileRevisionHash.Value;
                    parameters.Value = record.Parameters is { } p ? p.ToCanonicalText() : DBNull.Value;
                    source.Value = record.SourceContentHash;
                    calculator.Value = record.CalculatorId;
                    version.Value = record.CalculatorVersion;
                    ticks.Value = record.AnalyzedAt.UtcTicks;
                    offset.Value = (long)record.AnalyzedAt.Offset.TotalMinutes;
                    command.ExecuteNonQuery();
                }

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

        return await _database.WriteAsync(
            (connection, transaction, token) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM cache_metadata WHERE track_ref = $track AND profile_id = $profile AND descriptor_id = $descriptor;";
                command.Parameters.AddWithValue("$track", key.TrackRef);
                command.Parameters.AddWithValue("$profile", key.AnalysisProfileId);
                var descriptor = command.Parameters.Add("$descriptor", SqliteType.Text);
                var removed = 0;
                foreach (var id in descriptors.Distinct())
                {
                    token.ThrowIfCancellationRequested();
                    descriptor.Value = id.ToString();
                    removed += command.ExecuteNonQuery();
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
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
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

    /// <summary>
    /// Parses stored parameters once per distinct text: a database holds a handful of profiles' parameters, and sharing
    /// one instance also lets the record's revision check hash it once (ProfileRevisionHash.Compute memoizes per instance).
    /// </summary>
    private AnalysisParameters ParseParameters(string canonicalText)
    {
        if (_parameters.TryGetValue(canonicalText, out var parsed))
        {
            return parsed;
        }

        parsed = AnalysisParameters.ParseCanonicalText(canonicalText);
        if (_parameters.Count >= MaxCachedParameters)
        {
            _parameters.Clear();
        }

        return _parameters.GetOrAdd(canonicalText, parsed);
    }

    private CacheMetadataRecord ReadRecord(CacheKey key, SqliteDataReader reader)
    {
        var descriptorText = reader.GetString(0);
        try
        {
            var analyzedAt = new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.GetInt64(7)));
            return new CacheMetadataRecord(
                key,
                DescriptorId.Parse(descriptorText),
                ProfileRevisionHash.Parse(reader.GetString(1)),
                reader.IsDBNull(2) ? null : ParseParameters(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                checked((int)reader.GetInt64(5)),
                analyzedAt);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            throw _database.RowError("cache_metadata", string.Create(CultureInfo.InvariantCulture, $"{key} descriptor '{descriptorText}'"), ex);
        }
    }
}
