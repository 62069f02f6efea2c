using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Sqlite.Tests.DependencyInjection;

public sealed class AudioVisCacheSqliteBuilderExtensionsTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task UseSqlite_NoPath_PutsTheDatabaseNextToTheFeatureBlobs_BothStoresShareIt()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o => o.FeatureCacheRoot = _folder.File("features")).UseSqlite();
        await using (var provider = services.BuildServiceProvider())
        {
            var metadata = provider.GetRequiredService<ICacheMetadataStore>();
            var history = provider.GetRequiredService<IHistoryStore>();
            var database = provider.GetRequiredService<SqliteCacheDatabase>();

            Assert.Multiple(() =>
            {
                Assert.That(metadata, Is.InstanceOf<SqliteCacheMetadataStore>());
                Assert.That(history, Is.InstanceOf<SqliteHistoryStore>());
                Assert.That(database.DatabasePath, Is.EqualTo(Path.Combine(_folder.Path, "features", SqliteCacheOptions.DefaultFileName)));
            });
            var key = new CacheKey("t.wav", "default");
            await metadata.UpsertAsync(key, [SqliteTestSupport.Record(key, "rms")]);
            await history.AppendAsync([SqliteTestSupport.Entry(TimeProvider.System.GetUtcNow())]);
        }

        var path = Path.Combine(_folder.Path, "features", SqliteCacheOptions.DefaultFileName);
        Assert.That(File.Exists(path + "-wal"), Is.False, "the container disposed the database (checkpointed, closed)");
        Assert.Multiple(() =>
        {
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM cache_metadata;"), Is.EqualTo(1));
            Assert.That(SqliteTestSupport.Scalar(path, "SELECT count(*) FROM history_entries;"), Is.EqualTo(1));
        });
    }

    [Test]
    public void UseSqlite_ExplicitPath_IsUsed_AndCallingTwiceIsHarmless()
    {
        var path = _folder.File("explicit/cache.db");
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseSqlite(o => o.DatabasePath = path).UseSqlite();
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<SqliteCacheDatabase>().DatabasePath, Is.EqualTo(path));
            Assert.That(services.Count(d => d.ServiceType == typeof(ICacheMetadataStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<SqliteCacheOptions>)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task UseInMemoryStores_AfterUseSqlite_ReplacesBothStores_AndLaterUseSqliteWinsAgain()
    {
        var path = _folder.File("never/cache.db");
        var inMemory = new ServiceCollection();
        inMemory.AddAudioVisCache().UseSqlite(o => o.DatabasePath = path).UseInMemoryStores();
        await using (var provider = inMemory.BuildServiceProvider())
        {
            await provider.GetRequiredService<IHistoryStore>().QueryAsync(new HistoryQuery());
            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.Not.InstanceOf<SqliteCacheMetadataStore>());
                Assert.That(provider.GetRequiredService<IHistoryStore>(), Is.Not.InstanceOf<SqliteHistoryStore>());
                Assert.That(File.Exists(path), Is.False, "the database is never created");
            });
        }

        var sqliteAgain = new ServiceCollection();
        sqliteAgain.AddAudioVisCache().UseInMemoryStores().UseSqlite(o => o.DatabasePath = path);
        await using (var provider = sqliteAgain.BuildServiceProvider())
        {
            Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.InstanceOf<SqliteCacheMetadataStore>());
        }
    }

    [Test]
    public void UseSqlite_NoPathAndNoFeatureCacheRoot_FailsValidationSayingSo()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseSqlite();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SqliteCacheOptions>>().Value)!;

        Assert.That(error.Message, Is.EqualTo("SqliteCacheOptions.DatabasePath is null and AudioVisCacheOptions.FeatureCacheRoot is null: set FeatureCacheRoot (the database is then 'audiovis-cache.db' next to the feature blobs) or set DatabasePath."));
    }

    [Test]
    public void UseSqlite_OutOfRangeOptions_FailValidationNamingEach()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseSqlite(o =>
        {
            o.DatabasePath = _folder.Path;
            o.BusyTimeout = TimeSpan.FromSeconds(-1);
            o.MaxBusyRetries = 101;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SqliteCacheOptions>>().Value)!;

        Assert.That(error.Failures, Is.EqualTo(new[]
        {
            $"SqliteCacheOptions.DatabasePath '{_folder.Path}' is a folder; give the path of the database file (for example '{Path.Combine(_folder.Path, "audiovis-cache.db")}').",
            "SqliteCacheOptions.BusyTimeout must be between 0 and 00:10:00; got -00:00:01.",
            "SqliteCacheOptions.MaxBusyRetries must be between 0 and 100; got 101.",
        }));
    }

    [Test]
    public void UseSqlite_UnusableFile_ResolvingAStoreThrowsCacheDatabaseException()
    {
        var path = _folder.File("cache.db");
        File.WriteAllText(path, "hello");
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseSqlite(o => o.DatabasePath = path);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<CacheDatabaseException>(() => provider.GetRequiredService<ICacheMetadataStore>())!;

        Assert.That(error.Problem, Is.EqualTo(CacheDatabaseProblem.NotADatabase));
    }
}
