using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>Versioned migrations: fresh, re-open, older schema, concurrent nodes, newer schema, foreign tables, a failing step.</summary>
public sealed class MigrationTests
{
    private const string Versions = "SELECT string_agg(version::text || ':' || description, ', ' ORDER BY version) FROM audiovis_cache.audiovis_schema_migrations;";

    [Test]
    public async Task FreshDatabase_CreatesTheSchemaAtTheLatestVersion_RecordingEachStep()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        await using var database = PostgreSqlServerFixture.Open(cs);

        await database.EnsureReadyAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(database.SchemaVersion, Is.EqualTo(2));
            Assert.That(await TestSupport.ScalarAsync(cs, Versions), Is.EqualTo("1:cache metadata records, 2:regeneration history with an element index"));
        }
    }

    [Test]
    public async Task Reopen_KeepsTheRecords_AndRunsNoStepAgain()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var key = new Storage.CacheKey("a.wav", "default");
        await using (var store = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true))
        {
            await store.UpsertAsync(key, [TestSupport.Record(key, "rms")]);
        }

        await using var reopened = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await reopened.GetRecordsAsync(key), Has.Count.EqualTo(1));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT count(*) FROM audiovis_cache.audiovis_schema_migrations;"), Is.EqualTo(2L));
        }
    }

    [Test]
    public async Task OlderSchema_IsMigratedForward_KeepingItsRecords()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var key = new Storage.CacheKey("a.wav", "default");
        await using (var v1 = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, migrations: PostgreSqlSchema.Migrations.Take(1).ToArray()), ownsDatabase: true))
        {
            await v1.UpsertAsync(key, [TestSupport.Record(key, "rms")]);
        }

        Assert.That(await TestSupport.ScalarAsync(cs, "SELECT to_regclass('audiovis_cache.history_entries')::text;"), Is.Null, "version 1 has no history table");
        await using var database = PostgreSqlServerFixture.Open(cs);
        await using var store = new PostgreSqlCacheMetadataStore(database, ownsDatabase: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await store.GetRecordsAsync(key), Has.Count.EqualTo(1));
            Assert.That(database.SchemaVersion, Is.EqualTo(2));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT to_regclass('audiovis_cache.history_entries')::text;"), Is.EqualTo("audiovis_cache.history_entries"));
        }
    }

    [Test]
    public async Task ConcurrentOpen_FromSeveralDataSources_MigratesOnce()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var databases = Enumerable.Range(0, 4).Select(_ => PostgreSqlServerFixture.Open(cs)).ToArray();
        try
        {
            await Task.WhenAll(databases.Select(d => Task.Run(() => d.EnsureReadyAsync())));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(databases.Select(d => d.SchemaVersion), Is.All.EqualTo(2));
                Assert.That(await TestSupport.ScalarAsync(cs, "SELECT count(*) FROM audiovis_cache.audiovis_schema_migrations;"), Is.EqualTo(2L));
            }
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task NewerSchema_ThrowsNewerSchema_NamingTheVersionAndTheServer()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("newer");
        await using (var first = PostgreSqlServerFixture.Open(cs))
        {
            await first.EnsureReadyAsync();
        }

        await TestSupport.ExecuteAsync(cs, "INSERT INTO audiovis_cache.audiovis_schema_migrations (version, description) VALUES (7, 'from the future');");
        await using var database = PostgreSqlServerFixture.Open(cs);

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(() => database.EnsureReadyAsync()))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.NewerSchema));
            Assert.That(error.Message, Does.Contain("schema version 7 is newer than version 2"));
            Assert.That(error.Message, Does.Contain(database.Server));
            Assert.That(error.Server, Does.StartWith($"127.0.0.1:{PostgreSqlServerFixture.Server.Port}/newer_"));
        });
    }

    [Test]
    public async Task ForeignTablesInTheSchema_ThrowForeignDatabase_AndAreLeftAlone()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        await TestSupport.ExecuteAsync(cs, "CREATE SCHEMA audiovis_cache; CREATE TABLE audiovis_cache.customers (id int); INSERT INTO audiovis_cache.customers VALUES (1);");
        await using var database = PostgreSqlServerFixture.Open(cs);

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(() => database.EnsureReadyAsync()))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.ForeignDatabase));
            Assert.That(error.Message, Does.Contain("customers"));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT count(*) FROM audiovis_cache.customers;"), Is.EqualTo(1L));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT to_regclass('audiovis_cache.cache_metadata')::text;"), Is.Null);
        }
    }

    [Test]
    public async Task FailingStep_IsRolledBack_AndThrowsMigrationFailed()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        PostgreSqlMigration[] broken = [PostgreSqlSchema.Migrations[0], new(2, "broken step", "CREATE TABLE {schema}.half_done (a int); SELECT no_such_function();")];
        await using var database = PostgreSqlServerFixture.Open(cs, migrations: broken);

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(() => database.EnsureReadyAsync()))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.MigrationFailed));
            Assert.That(error.Message, Does.Contain("from schema version 1 to 2 (broken step)").And.Contain("42883"));
            Assert.That(await TestSupport.ScalarAsync(cs, Versions), Is.EqualTo("1:cache metadata records"));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT to_regclass('audiovis_cache.half_done')::text;"), Is.Null, "the failed step left nothing behind");
        }
    }

    [Test]
    public async Task TwoSchemas_InOneDatabase_AreIndependentCaches()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var key = new Storage.CacheKey("a.wav", "default");
        await using var a = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, schema: "team_a"), ownsDatabase: true);
        await using var b = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, schema: "team_b"), ownsDatabase: true);

        await a.UpsertAsync(key, [TestSupport.Record(key, "rms")]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await a.GetKeysAsync(), Is.EqualTo(new[] { key }));
            Assert.That(await b.GetKeysAsync(), Is.Empty);
        }
    }

    [Test]
    public void InvalidOptions_AreRejectedWhenCreated_NamingEachProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgreSqlCacheDatabase.Create(
            new PostgreSqlCacheOptions { ConnectionString = "Host=x", SchemaName = "Bad-Name", MaxTransientRetries = -1 },
            new FakeTimeProvider()))!;

        Assert.That(error.Message, Does.Contain("SchemaName 'Bad-Name'").And.Contain("MaxTransientRetries must be between 0 and 20; got -1"));
    }
}
