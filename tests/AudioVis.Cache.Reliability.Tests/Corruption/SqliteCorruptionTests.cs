using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Sqlite;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>
/// Issue #12, item 3, the SQLite database: seeded truncations, zeroed runs and bit flips over a database holding records
/// and history. Opening (header, application id, schema version, quick_check) and reading every row back either refuse
/// with <see cref="CacheDatabaseException"/> naming the file, or succeed; nothing else is thrown.
/// </summary>
public sealed class SqliteCorruptionTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static readonly CacheKey[] Keys = [.. Enumerable.Range(0, 5).Select(i => new CacheKey($"tracks/{i}.wav", AnalysisProfile.DefaultId))];

    [Test]
    [CancelAfter(300_000)]
    public async Task DamagedDatabase_RefusedWithATypedErrorOrReadBack_NeverAnotherException()
    {
        using var folder = new TempFolder();
        var original = await CreateAsync(folder.File("original.db"));
        var intact = await ReadEverythingAsync(folder.File("original.db"));
        var path = folder.File("damaged.db");
        var perKind = ReliabilityTier.Pick(100, 1_000);
        var report = await CorruptionSweep.RunAsync(original, perKind, 12_33, async mutation =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var leftover in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(leftover);
            }

            await File.WriteAllBytesAsync(path, mutation.Bytes);
            try
            {
                var content = await ReadEverythingAsync(path);
                return content.SequenceEqual(intact) ? "read back unchanged" : "read back changed (no checksum in SQLite rows)";
            }
            catch (CacheDatabaseException e)
            {
                Assert.That(e.DatabasePath, Is.EqualTo(path), mutation.Description);
                Assert.That(e.Message, Does.Contain(path), mutation.Description);
                return $"refused: {e.Problem}";
            }
            catch (Exception e) when (e is not AssertionException)
            {
                throw new AssertionException($"a damaged database ({mutation.Description}) threw {e.GetType().Name}, not CacheDatabaseException: {e}");
            }
        });

        ReliabilityTier.Report($"corrupt SQLite database ({original.Length / 1024} KB, 250 records, 300 history entries), nothing untyped: {report}");
    }

    private static async Task<byte[]> CreateAsync(string path)
    {
        var parameters = AnalysisParameters.Default;
        var revision = ProfileRevisionHash.Compute(parameters);
        await using (var database = SqliteCacheDatabase.Open(path, new SqliteCacheOptions(), Time))
        {
            await using var metadata = new SqliteCacheMetadataStore(database, ownsDatabase: false);
            await using var history = new SqliteHistoryStore(database, new HistoryRetentionOptions(), Time, ownsDatabase: false);
            foreach (var key in Keys)
            {
                await metadata.UpsertAsync(key, [.. Enumerable.Range(1, 50).Select(i =>
                    new CacheMetadataRecord(key, DescriptorId.Parse($"spectrum.bands{i}"), revision, parameters, $"source-{i}", "spectrum", 1, Time.GetUtcNow()))]);
                await history.AppendAsync([.. Enumerable.Range(0, 60).Select(i =>
                    new HistoryEntry(HistoryEntry.NewId(Time), Time.GetUtcNow(), key, HistoryAction.AutoRegenerate, [DescriptorId.Parse("rms@mid")], HistoryStatus.Success, i, ["bars"], RegenerationReason.Missing, jobId: i + 1))]);
            }
        }

        SqliteConnection.ClearAllPools();
        Assert.That(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0, Is.False, "the WAL is checkpointed on close, so the damage goes to the one file");
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>Opens the database as the library does and reads every record and history entry, as text to compare.</summary>
    private static async Task<List<string>> ReadEverythingAsync(string path)
    {
        var rows = new List<string>();
        await using var database = SqliteCacheDatabase.Open(path, new SqliteCacheOptions(), Time);
        await using var metadata = new SqliteCacheMetadataStore(database, ownsDatabase: false);
        await using var history = new SqliteHistoryStore(database, new HistoryRetentionOptions(), Time, ownsDatabase: false);
        foreach (var key in Keys)
        {
            rows.AddRange((await metadata.GetRecordsAsync(key)).Select(r => $"{r.Key}|{r.Descriptor}|{r.ProfileRevisionHash}|{r.Parameters is null}|{r.SourceContentHash}|{r.CalculatorId}|{r.CalculatorVersion}|{r.AnalyzedAt:O}"));
        }

        string? token = null;
        do
        {
            var page = await history.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize, ContinuationToken = token });
            rows.AddRange(page.Entries.Select(e => $"{e.Id}|{e.Timestamp:O}|{e.TrackRef}|{e.Action}|{string.Join(',', e.DescriptorIds)}|{e.Status}|{e.DurationMs}|{string.Join(',', e.ElementIds)}|{e.JobId}"));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return rows;
    }
}
