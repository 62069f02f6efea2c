using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>UsePostgreSql: the stores are replaced, options are validated at start, the listener starts with or without a host.</summary>
public sealed class DependencyInjectionTests
{
    [Test]
    public async Task PlainServiceProvider_ResolvingTheScheduler_StartsTheListener_AndOtherNodesWritesArrive()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("di");
        var services = new ServiceCollection();
        services.AddAudioVisCache().UsePostgreSql(o => o.ConnectionString = cs);
        await using var provider = services.BuildServiceProvider();
        await using var otherNode = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);

        var scheduler = provider.GetRequiredService<IDiffScheduler>();
        var feed = provider.GetRequiredService<IPostgreSqlCacheChangeFeed>();
        await feed.WaitUntilListeningAsync().WaitAsync(TestSupport.Timeout);
        var key = new CacheKey("from-another-node.wav", "default");
        var arrived = new TaskCompletionSource<CacheKey>(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.Changed += (_, e) =>
        {
            if (e.Key is { } changed)
            {
                arrived.TrySetResult(changed);
            }
        };
        await otherNode.UpsertAsync(key, [TestSupport.Record(key, "rms")]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await arrived.Task.WaitAsync(TestSupport.Timeout), Is.EqualTo(key));
            Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.InstanceOf<PostgreSqlCacheMetadataStore>());
            Assert.That(provider.GetRequiredService<IHistoryStore>(), Is.InstanceOf<PostgreSqlHistoryStore>());
            Assert.That(((PostgreSqlChangeListener)feed).Schedulers, Is.EqualTo(new[] { scheduler }));
            Assert.That(await provider.GetRequiredService<ICacheMetadataStore>().GetKeysAsync(), Is.EqualTo(new[] { key }));
        }
    }

    [Test]
    public async Task GenericHost_StartMigratesTheSchemaAndStartsTheListener_StopStopsIt()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("host");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAudioVisCache().UsePostgreSql(o =>
        {
            o.ConnectionString = cs;
            o.SchemaName = "render_farm";
        });
        using var host = builder.Build();

        await host.StartAsync();
        var feed = host.Services.GetRequiredService<IPostgreSqlCacheChangeFeed>();
        await feed.WaitUntilListeningAsync().WaitAsync(TestSupport.Timeout);
        var version = host.Services.GetRequiredService<PostgreSqlCacheDatabase>().SchemaVersion;
        await host.StopAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version, Is.EqualTo(2));
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT count(*) FROM render_farm.audiovis_schema_migrations;"), Is.EqualTo(2L));
            Assert.That(feed.IsListening, Is.False);
        }
    }

    [Test]
    public async Task GenericHost_UnusableDatabase_FailsTheStartWithTheTypedError()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("foreign");
        await TestSupport.ExecuteAsync(cs, "CREATE TABLE public.invoices (id int);");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAudioVisCache().UsePostgreSql(o =>
        {
            o.ConnectionString = cs;
            o.SchemaName = "public";
        });
        using var host = builder.Build();

        var error = (await Assert.ThrowsAsync<PostgreSqlCacheException>(() => host.StartAsync()))!;

        Assert.That(error.Problem, Is.EqualTo(PostgreSqlCacheProblem.ForeignDatabase));
    }

    [Test]
    public void InvalidOptions_FailValidation_NamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().UsePostgreSql(o =>
        {
            o.SchemaName = "Cache";
            o.ListenerReconnectMaxDelay = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<PostgreSqlCacheOptions>>().Value)!;

        Assert.That(error.Failures, Is.EqualTo(new[]
        {
            "PostgreSqlCacheOptions.ConnectionString is required (for example 'Host=db;Database=audiovis;Username=render').",
            "PostgreSqlCacheOptions.SchemaName 'Cache' must be 1 to 48 lower-case letters, digits or underscores, starting with a letter or underscore.",
            "PostgreSqlCacheOptions.ListenerReconnectMaxDelay must be between 00:00:00.1000000 and 00:10:00; got 00:00:00.",
        }));
    }

    [Test]
    public async Task CallingTwice_IsHarmless_AndListenForChangesFalse_AttachesNothing()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("twice");
        var services = new ServiceCollection();
        services.AddAudioVisCache().UsePostgreSql(o => o.ConnectionString = cs).UsePostgreSql(o => o.ListenForChanges = false);
        await using var provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<IDiffScheduler>();
        var listener = (PostgreSqlChangeListener)provider.GetRequiredService<IPostgreSqlCacheChangeFeed>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IDiffScheduler)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ICacheMetadataStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
            Assert.That(listener.Schedulers, Is.Empty);
            Assert.That(listener.IsListening, Is.False);
        }
    }
}
