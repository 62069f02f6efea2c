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
/// with <see cref="CacheDatabaseException"/> naming the file (and, with RebuildUnusableDatabase, the file is set aside
/// untouched and a new one opens), or succeed; nothing else is thrown.
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
        var intact = await ReadEverythingAsync(SqliteCacheDatabase.Open(folder.File("original.db"), new SqliteCacheOptions(), Time));
        var path = folder.File("damaged.db");
        var perKind = ReliabilityTier.Pick(100, 1_000);

        // A rebuild creates a new database (up to a second here): only the first refusals are checked.
        var rebuildChecks = ReliabilityTier.Pick(3, 100);
        var rebuilds = 0;

        // Anything but CacheDatabaseException thrown below fails the test: that is the assertion "nothing untyped".
        var report = await CorruptionSweep.RunAsync(original, perKind, 12_33, async mutation =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var leftover in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(leftover);
            }

            await File.WriteAllBytesAsync(path, mutation.Bytes);
            SqliteCacheDatabase database;
            try
            {
                database = SqliteCacheDatabase.Open(path, new SqliteCacheOptions(), Time);
            }
            catch (CacheDatabaseException e)
            {
                AssertNamesTheFile(e, path, mutation);
                if (rebuilds < rebuildChecks && e.CanRebuild)
                {
                    AssertRebuildSetsTheFileAside(path, mutation);
                    rebuilds++;
                }

                return $"refused at open: {e.Problem}";
            }

            try
            {
                var content = await ReadEverythingAsync(database);
                return content.SequenceEqual(intact) ? "read back unchanged" : "read back changed (no checksum in SQLite rows)";
            }
            catch (CacheDatabaseException e)
            {
                AssertNamesTheFile(e, path, mutation);
                Assert.That(e.Problem, Is.EqualTo(CacheDatabaseProblem.Corrupt), $"{mutation.Description}: a readable, damaged file is Corrupt (which a rebuild can replace): {e.Message}");
                return $"refused on read: {e.Problem}";
            }
        });

        ReliabilityTier.Report($"corrupt SQLite database ({original.Length / 1024} KB, 250 records, 300 history entries), nothing untyped; {rebuilds} refused files set aside untouched by RebuildUnusableDatabase: {report}");
    }

    [Test]
    public async Task ColumnRenamedByADamagedSchemaByte_RefusedAtOpenAsCorrupt()
    {
        using var folder = new TempFolder();
        var path = folder.File("damaged.db");
        var bytes = await CreateAsync(path);
        var column = bytes.AsSpan().IndexOf("calculator_version"u8);
        Assert.That(column, Is.GreaterThan(0), "the schema's text is stored in the file");
        bytes[column + 3] ^= 0x04;
        await File.WriteAllBytesAsync(path, bytes);

        // quick_check does not read the schema's text; before the fix every query then failed with CannotOpen ("no such column").
        var error = Assert.Throws<CacheDatabaseException>(() => SqliteCacheDatabase.Open(path, new SqliteCacheOptions(), Time).Dispose());
        Assert.That(error!.Problem, Is.EqualTo(CacheDatabaseProblem.Corrupt));
        Assert.That(error.Message, Does.Contain(path).And.Contain("schema"));
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

    private static void AssertNamesTheFile(CacheDatabaseException error, string path, Mutation mutation)
    {
        Assert.That(error.DatabasePath, Is.EqualTo(path), mutation.Description);
        Assert.That(error.Message, Does.Contain(path), mutation.Description);
    }

    /// <summary>With <see cref="SqliteCacheOptions.RebuildUnusableDatabase"/>, the refused file is renamed aside, bytes kept, and a new database opens.</summary>
    private static void AssertRebuildSetsTheFileAside(string path, Mutation mutation)
    {
        using (SqliteCacheDatabase.Open(path, new SqliteCacheOptions { RebuildUnusableDatabase = true }, Time))
        {
            var setAside = Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".unusable-*").Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).ToArray();
            Assert.That(setAside, Has.Length.EqualTo(1), mutation.Description);
            Assert.That(File.ReadAllBytes(setAside[0]), Is.EqualTo(mutation.Bytes), $"{mutation.Description}: the unusable file is kept as it was");
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".unusable-*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Reads every record and history entry of an open database (then closes it), as text to compare.</summary>
    private static async Task<List<string>> ReadEverythingAsync(SqliteCacheDatabase opened)
    {
        var rows = new List<string>();
        await using var database = opened;
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
