using System.Net;
using System.Net.Sockets;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>Typed errors that name the server (never the password), and values PostgreSQL cannot store.</summary>
public sealed class ErrorTests
{
    [Test]
    public async Task NothingListeningOnThePort_ThrowsCannotConnect_NamingHostPortAndDatabase_NotThePassword()
    {
        var port = ClosedPort();
        var store = new PostgreSqlCacheMetadataStore(
            PostgreSqlServerFixture.Open($"Host=127.0.0.1;Port={port};Database=farm_cache;Username=render;Password=hunter2-secret;Timeout=5", maxRetries: 1),
            ownsDatabase: true);
        await using (store)
        {
            var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(async () => await store.GetKeysAsync()))!;

            using (Assert.EnterMultipleScope())
            {
                Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.CannotConnect));
                Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}/farm_cache (schema audiovis_cache)"));
                Assert.That(error.Message, Does.Contain("after 2 attempt(s)"));
                Assert.That(error.Message, Does.Not.Contain("hunter2"));
                Assert.That(error.IsTransient, Is.True);
            }
        }
    }

    [Test]
    public async Task UnknownDatabase_ThrowsCannotConnect_WithoutRetrying()
    {
        var cs = PostgreSqlServerFixture.Server.ConnectionStringFor("no_such_database");
        await using var store = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(async () => await store.GetKeysAsync()))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.CannotConnect));
            Assert.That(error.Message, Does.Contain("/no_such_database").And.Contain("after 1 attempt(s)").And.Contain("3D000"));
        }
    }

    [Test]
    public async Task UnreadableRow_ThrowsCorrupt_NamingTheTableAndTheRow()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var key = new CacheKey("a.wav", "default");
        await using var store = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);
        await store.UpsertAsync(key, [TestSupport.Record(key, "rms")]);
        await TestSupport.ExecuteAsync(cs, "UPDATE audiovis_cache.cache_metadata SET profile_revision_hash = 'not a hash';");

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(async () => await store.GetRecordsAsync(key)))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.Corrupt));
            Assert.That(error.Message, Does.Contain("audiovis_cache.cache_metadata").And.Contain("descriptor 'rms'"));
        }
    }

    [Test]
    public async Task NulCharacterInAHistoryText_IsRejectedBeforeAnythingIsWritten()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var time = new FakeTimeProvider(TestSupport.At);
        await using var store = new PostgreSqlHistoryStore(PostgreSqlServerFixture.Open(cs, time), new HistoryRetentionOptions(), time, ownsDatabase: true);
        var entry = new HistoryEntry(
            Guid.CreateVersion7(), TestSupport.At, new CacheKey("a.wav", "default"), HistoryAction.AutoRegenerate, [DescriptorId.Parse("rms")], HistoryStatus.Failure, 1,
            errorType: "IOException", errorMessage: "bad\0byte");

        var error = (await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync([entry])))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Does.Contain("Error message").And.Contain("NUL character").And.Contain("index 3"));
            Assert.That((await store.QueryAsync(HistoryQuery.All)).Entries, Is.Empty);
        }
    }

    [Test]
    public async Task CommandRefusedByTheServer_ThrowsCommandFailed_WithTheSqlState()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        var key = new CacheKey("a.wav", "default");
        await using var store = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);
        await store.GetKeysAsync();
        await TestSupport.ExecuteAsync(cs, "ALTER TABLE audiovis_cache.cache_metadata ADD CONSTRAINT no_rms CHECK (descriptor_id <> 'rms');");

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(async () => await store.UpsertAsync(key, [TestSupport.Record(key, "rms")])))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.CommandFailed));
            Assert.That(error.Message, Does.Contain("upserting records").And.Contain("23514"));
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
