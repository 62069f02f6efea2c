using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Persistence;

/// <summary>Data shared by the persistence benchmarks: the 56 records of one full analysis, history entries, SQLite stores built through DI.</summary>
internal static class PersistenceWorkload
{
    public static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The 14 v1 descriptors on L, R, mid and side: the 56 blobs (and records) of one full analysis.</summary>
    public static readonly string[] FullAnalysisDescriptors =
    [
        .. new[] { "spectrum", "spectrum.bands32", "rms", "peak", "zcr", "spectral.centroid", "spectral.flux", "spectral.rolloff", "spectral.flatness", "onset.strength", "mfcc", "chroma", "waveform.minmax", "spectrum.bands8" }
            .SelectMany(d => new[] { "L", "R", "mid", "side" }.Select(c => $"{d}@{c}")),
    ];

    public static string NewDatabasePath() => Path.Combine(Directory.CreateTempSubdirectory("avcache-bench-").FullName, "audiovis-cache.db");

    public static ServiceProvider Sqlite(string databasePath, int maxEntries = HistoryRetentionOptions.DefaultMaxEntries, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddAudioVisCache().UseSqlite(o => o.DatabasePath = databasePath).ConfigureHistory(o => o.MaxEntries = maxEntries);
        return services.BuildServiceProvider();
    }

    public static CacheMetadataRecord[] FullAnalysisRecords(CacheKey key, DateTimeOffset analyzedAt)
    {
        var parameters = AnalysisProfile.Default.Parameters;
        return [.. FullAnalysisDescriptors.Select(d => DescriptorId.Parse(d)).Distinct().Order()
            .Select(id => new CacheMetadataRecord(key, id, ProfileRevisionHash.Compute(parameters), parameters, "audiovis-pcm-v2:0123456789abcdef0123456789abcdef", "spectral", 3, analyzedAt))];
    }

    /// <summary>History entries as the queue writes them: one job each, 1–3 descriptors, 1–2 elements, every tenth a failure.</summary>
    public static HistoryEntry[] Entries(int count, DateTimeOffset start, int tracks = 20)
    {
        var entries = new HistoryEntry[count];
        for (var i = 0; i < count; i++)
        {
            var timestamp = start.AddMilliseconds(i * 10);
            var failed = i % 10 == 9;
            entries[i] = new HistoryEntry(
                Guid.CreateVersion7(timestamp),
                timestamp,
                new CacheKey($"tracks/track-{i % tracks:D2}.wav", i % 3 == 0 ? "hires" : AnalysisProfile.DefaultId),
                i % 4 == 0 ? HistoryAction.ManualRegenerate : HistoryAction.AutoRegenerate,
                [.. FullAnalysisDescriptors.Skip(i % 50).Take(1 + (i % 3)).Select(d => DescriptorId.Parse(d))],
                failed ? HistoryStatus.Failure : HistoryStatus.Success,
                durationMs: 100 + (i % 900),
                elementIds: [$"element-{i % 500:D3}", $"element-{(i + 7) % 500:D3}"],
                trigger: i % 2 == 0 ? RegenerationReason.Stale : RegenerationReason.Missing,
                triggerDetail: i % 2 == 0 ? "rms@L: profile parameters changed: hopSize: 256 → 512" : null,
                jobId: i + 1,
                attempt: 1,
                errorType: failed ? "System.IO.InvalidDataException" : null,
                errorMessage: failed ? "The WAV file is truncated at byte 123456." : null);
        }

        return entries;
    }

    /// <summary>The yardstick: the same rows inserted with plain Microsoft.Data.Sqlite (WAL, one prepared insert per row, same batching), no indexes, no retention.</summary>
    public sealed class RawSqliteTable : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;

        public RawSqliteTable(string path)
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, ticks INTEGER NOT NULL, body TEXT NOT NULL);";
                pragma.ExecuteNonQuery();
            }

            _insert = _connection.CreateCommand();
            _insert.CommandText = "INSERT OR REPLACE INTO rows (id, ticks, body) VALUES ($id, $ticks, $body)";
            _insert.Parameters.Add("$id", SqliteType.Text);
            _insert.Parameters.Add("$ticks", SqliteType.Integer);
            _insert.Parameters.Add("$body", SqliteType.Text);
        }

        public void Insert(ReadOnlySpan<(string Id, long Ticks, string Body)> rows)
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            foreach (var (id, ticks, body) in rows)
            {
                _insert.Parameters[0].Value = id;
                _insert.Parameters[1].Value = ticks;
                _insert.Parameters[2].Value = body;
                _insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        public void Dispose()
        {
            _insert.Dispose();
            _connection.Dispose();
        }
    }
}
