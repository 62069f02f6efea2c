using AudioVis.Cache.Benchmarks.Persistence;
using AudioVis.Cache.PostgreSql;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.PostgreSql;

/// <summary>
/// The PostgreSQL metadata store against the SQLite one in the same run, on the operations a regeneration and a frame
/// need: upsert the 56 records of one full analysis (one transaction, with its change notification) and read one group,
/// in a table of 150 groups. PostgreSQL runs on loopback (fsync off, as in the tests): the figures are the client and
/// protocol cost, not a disk's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRunConfig))]
public class PostgreSqlStoreBenchmarks
{
    private readonly CacheKey _key = new("tracks/track-00.wav", "default");
    private PostgreSqlBenchmarkServer _server = null!;
    private PostgreSqlCacheMetadataStore _postgres = null!;
    private ServiceProvider _sqliteProvider = null!;
    private ICacheMetadataStore _sqlite = null!;
    private CacheMetadataRecord[][] _versions = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await PostgreSqlBenchmarkServer.StartAsync();
        _postgres = new PostgreSqlCacheMetadataStore(_server.Node(), ownsDatabase: true);
        _sqliteProvider = PersistenceWorkload.Sqlite(PersistenceWorkload.NewDatabasePath());
        _sqlite = _sqliteProvider.GetRequiredService<ICacheMetadataStore>();
        _versions = [PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At), PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At.AddHours(1))];
        foreach (var track in Enumerable.Range(0, 50))
        {
            foreach (var profile in new[] { "default", "hires", "lores" })
            {
                var key = new CacheKey($"tracks/track-{track:D2}.wav", profile);
                var records = PersistenceWorkload.FullAnalysisRecords(key, PersistenceWorkload.At);
                await _postgres.UpsertAsync(key, records);
                await _sqlite.UpsertAsync(key, records);
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _postgres.DisposeAsync();
        await _sqliteProvider.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "SQLite upsert of 56 records (one transaction)")]
    public ValueTask SqliteUpsert56() => _sqlite.UpsertAsync(_key, _versions[_next++ & 1]);

    [Benchmark(Description = "PostgreSQL upsert of 56 records (one transaction + NOTIFY)")]
    public ValueTask PostgreSqlUpsert56() => _postgres.UpsertAsync(_key, _versions[_next++ & 1]);

    [Benchmark(Description = "SQLite read of one group (56 records)")]
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> SqliteReadGroup() => _sqlite.GetRecordsAsync(_key);

    [Benchmark(Description = "PostgreSQL read of one group (56 records)")]
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> PostgreSqlReadGroup() => _postgres.GetRecordsAsync(_key);

    /// <summary>The short-run job, in process (building a separate executable timed out on the shared 2-core machine).</summary>
    private sealed class InProcessShortRunConfig : ManualConfig
    {
        public InProcessShortRunConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
