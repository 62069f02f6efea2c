using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>Opening, creating, migrating and refusing database files.</summary>
public sealed class SqliteCacheDatabaseTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void Open_NewFile_CreatesLatestSchemaInWalWithIncrementalVacuum()
    {
        var path = _folder.File("sub/folder/cache.db");

        using (var database = SqliteTestSupport.Open(path))
        {
            Assert.That(database.SchemaVersion, Is.EqualTo(SqliteSchema.LatestVersion));
        }

        Assert.That(File.Exists(path + "-wal"), Is.False, "the WAL is checkpointed and removed on dispose");

        Assert.Multiple(() =>
        {
            Assert.That(SqliteTestSupport.Scalar(path, "PRAGMA user_version;"), Is.EqualTo(2));
            Assert.That(SqliteTestSupport.Scalar(path, "PRAGMA application_id;"), Is.EqualTo(SqliteSchema.ApplicationId));
            Assert.That(SqliteTestSupport.Scalar(path, "PRAGMA auto_vacuum;"), Is.EqualTo(2), "2 = INCREMENTAL");
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM schema_migrations;"), Is.EqualTo(2));
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'history_elements_by_element';"), Is.EqualTo(1));
        });
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.That(command.ExecuteScalar(), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Open_SchemaV1Fixture_MigratesToV2_KeepsEveryRecord_AndHistoryWorks()
    {
        var path = _folder.File(SchemaV1Fixture.FileName);
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", SchemaV1Fixture.FileName), path);
        Assert.That(SqliteTestSupport.Scalar(path, "PRAGMA user_version;"), Is.EqualTo(1), "the fixture is a version 1 database");

        var database = SqliteTestSupport.Open(path);
        await using var store = new SqliteCacheMetadataStore(database, ownsDatabase: true);
        await using var history = new SqliteHistoryStore(database, new HistoryRetentionOptions(), TimeProvider.System, ownsDatabase: false);
        var expected = SchemaV1Fixture.Records();
        var keys = await store.GetKeysAsync();
        var read = new List<CacheMetadataRecord>();
        foreach (var key in keys)
        {
            read.AddRange(await store.GetRecordsAsync(key));
        }

        var entry = SqliteTestSupport.Entry(TimeProvider.System.GetUtcNow());
        await history.AppendAsync([entry]);
        var page = await history.QueryAsync(new HistoryQuery { ElementId = "bars" });

        Assert.Multiple(() =>
        {
            Assert.That(database.SchemaVersion, Is.EqualTo(2));
            Assert.That(keys, Is.EqualTo(expected.Select(r => r.Key).Distinct().Order()));
            Assert.That(read, Is.EquivalentTo(expected));
            Assert.That(read.Select(r => (r.AnalyzedAt.UtcTicks, r.AnalyzedAt.Offset)), Is.EquivalentTo(expected.Select(r => (r.AnalyzedAt.UtcTicks, r.AnalyzedAt.Offset))));
            Assert.That(page.Entries, Is.EqualTo(new[] { entry }));
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM schema_migrations;"), Is.EqualTo(2));
        });
    }

    [Test]
    public void Open_FailingMigration_RollsBack_FileByteIdentical()
    {
        var path = _folder.File(SchemaV1Fixture.FileName);
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", SchemaV1Fixture.FileName), path);
        var before = SqliteTestSupport.Hash(path);
        SqliteMigration[] broken = [SqliteSchema.Migrations[0], new(2, "creates a table, then fails", "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);")];

        var error = Assert.Throws<CacheDatabaseException>(() => SqliteCacheDatabase.Open(path, new SqliteCacheOptions(), TimeProvider.System, broken))!;
        SqliteConnection.ClearAllPools();

        Assert.Multiple(() =>
        {
            Assert.That(error.Problem, Is.EqualTo(CacheDatabaseProblem.MigrationFailed));
            Assert.That(error.DatabasePath, Is.EqualTo(path));
            Assert.That(error.Message, Does.Contain(path).And.Contain("from schema version 1 to 2").And.Contain("no_such_table"));
            Assert.That(SqliteTestSupport.Hash(path), Is.EqualTo(before));
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done';"), Is.Zero);
        });
    }

    [Test]
    public void Open_NewerSchemaVersion_ThrowsNewerSchema_FileByteIdentical()
    {
        var path = _folder.File("newer.db");
        using (SqliteTestSupport.Open(path))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 7;";
            command.ExecuteNonQuery();
        }

        AssertRefused(path, CacheDatabaseProblem.NewerSchema, "schema version 7 is newer than version 2");
    }

    [Test]
    public void Open_TextFile_ThrowsNotADatabase_FileByteIdentical()
    {
        var path = _folder.File("notes.db");
        File.WriteAllText(path, "These are my notes, not a database.\n" + new string('x', 5000));

        AssertRefused(path, CacheDatabaseProblem.NotADatabase, "does not start with the SQLite header");
    }

    [Test]
    public void Open_TruncatedDatabase_ThrowsCorrupt_FileByteIdentical()
    {
        var path = PopulatedDatabase();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        AssertRefused(path, CacheDatabaseProblem.Corrupt, null);
    }

    [Test]
    public void Open_BitFlippedDatabase_ThrowsCorrupt_FileByteIdentical()
    {
        var path = PopulatedDatabase();
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        var page = (bytes.Length / pageSize) - 2;
        for (var i = 0; i < 64; i++)
        {
            bytes[(page * pageSize) + 8 + (i * 13)] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);

        AssertRefused(path, CacheDatabaseProblem.Corrupt, null);
    }

    [Test]
    public void Open_AnotherApplicationsDatabase_ThrowsForeignDatabase_FileByteIdentical()
    {
        var path = _folder.File("other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);";
            command.ExecuteNonQuery();
        }

        AssertRefused(path, CacheDatabaseProblem.ForeignDatabase, "another application");
    }

    [Test]
    public async Task Open_RebuildUnusableDatabase_MovesTheFileAside_AndStartsEmpty()
    {
        var path = _folder.File("cache.db");
        await File.WriteAllTextAsync(path, "not a database");

        await using (var store = new SqliteCacheMetadataStore(SqliteTestSupport.Open(path, configure: o => o.RebuildUnusableDatabase = true), ownsDatabase: true))
        {
            Assert.That(await store.GetKeysAsync(), Is.Empty);
        }

        var aside = Directory.GetFiles(_folder.Path, "cache.db.unusable-*").Single();
        Assert.That(await File.ReadAllTextAsync(aside), Is.EqualTo("not a database"));
    }

    [Test]
    public async Task Write_LockHeldByAnotherConnection_RetriesThenThrowsLocked()
    {
        var path = _folder.File("locked.db");
        var database = SqliteTestSupport.Open(path, configure: o =>
        {
            o.BusyTimeout = TimeSpan.FromMilliseconds(50);
            o.MaxBusyRetries = 2;
        });
        await using var store = new SqliteCacheMetadataStore(database, ownsDatabase: true);
        using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        using var hold = other.BeginTransaction(deferred: false);
        var key = new CacheKey("t", "default");

        var error = (await Assert.ThrowsAsync<CacheDatabaseException>(async () => await store.UpsertAsync(key, [SqliteTestSupport.Record(key, "rms")])))!;
        hold.Rollback();
        await store.UpsertAsync(key, [SqliteTestSupport.Record(key, "rms")]);

        Assert.Multiple(async () =>
        {
            Assert.That(error.Problem, Is.EqualTo(CacheDatabaseProblem.Locked));
            Assert.That(error.Message, Does.Contain(path).And.Contain("2 retries"));
            Assert.That(await store.GetRecordsAsync(key), Has.Count.EqualTo(1), "the store works again once the lock is released");
        });
    }

    [Test]
    public void Exception_MessageNamesFileAndProblem()
    {
        var error = new CacheDatabaseException("/data/cache.db", CacheDatabaseProblem.Corrupt, "page 3 is damaged");

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Is.EqualTo("The cache database '/data/cache.db' cannot be used (Corrupt): page 3 is damaged."));
            Assert.That(error.CanRebuild, Is.True);
            Assert.That(new CacheDatabaseException("/x", CacheDatabaseProblem.Locked, "busy").CanRebuild, Is.False);
        });
    }

    private string PopulatedDatabase()
    {
        var path = _folder.File("populated.db");
        using (var database = SqliteTestSupport.Open(path))
        {
            var store = new SqliteCacheMetadataStore(database, ownsDatabase: false);
            for (var t = 0; t < 40; t++)
            {
                var key = new CacheKey($"tracks/{t:D3}-{new string('x', 200)}.wav", "default");
                store.UpsertAsync(key, [.. Enumerable.Range(1, 20).Select(i => SqliteTestSupport.Record(key, $"spectrum.bands{i}"))]).AsTask().GetAwaiter().GetResult();
            }
        }

        SqliteConnection.ClearAllPools();
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(40_000), "big enough to damage");
        return path;
    }

    private static void AssertRefused(string path, CacheDatabaseProblem problem, string? detail)
    {
        SqliteConnection.ClearAllPools();
        var before = SqliteTestSupport.Hash(path);
        var length = new FileInfo(path).Length;

        var error = Assert.Throws<CacheDatabaseException>(() => SqliteTestSupport.Open(path))!;
        SqliteConnection.ClearAllPools();

        Assert.Multiple(() =>
        {
            Assert.That(error.Problem, Is.EqualTo(problem), error.Message);
            Assert.That(error.DatabasePath, Is.EqualTo(path));
            Assert.That(error.Message, Does.Contain(path).And.Contain(problem.ToString()));
            if (detail is not null)
            {
                Assert.That(error.Message, Does.Contain(detail));
            }

            Assert.That(new FileInfo(path).Length, Is.EqualTo(length));
            Assert.That(SqliteTestSupport.Hash(path), Is.EqualTo(before), "nothing is written to a refused file");
        });
        TestContext.Out.WriteLine(error.Message);
    }
}
