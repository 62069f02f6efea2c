using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Persistence;

/// <summary>
/// The SQLite metadata store on the two operations a regeneration and a frame need: upsert the 56 records of one full
/// analysis (replacing the previous ones), and read one group. Target: ≤ 1 ms each. Yardstick: the in-memory store
/// doing the same in the same run.
/// </summary>
[MemoryDiagnoser]
public class MetadataStoreBenchmarks
{
    private readonly CacheKey _key = new("tracks/track-00.wav", "default");
    private ServiceProvider _provider = null!;
    private ICacheMetadataStore _sqlite = null!;
    private readonly InMemoryCacheMetadataStore _memory = new();
    private CacheMetadataRecord[][] _versions = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _provider = PersistenceWorkload.Sqlite(PersistenceWorkload.NewDatabasePath());
        _sqlite = _provider.GetRequiredService<ICacheMetadataStore>();
        _versions = [PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At), PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At.AddHours(1))];

        // 50 tracks × 3 profiles of other records, so the group read is an index lookup in a populated table.
        foreach (var track in Enumerable.Range(0, 50))
        {
            foreach (var profile in new[] { "default", "hires", "lores" })
            {
                var key = new CacheKey($"tracks/track-{track:D2}.wav", profile);
                if (!key.Equals(_key))
                {
                    _sqlite.UpsertAsync(key, PersistenceWorkload.FullAnalysisRecords(key, PersistenceWorkload.At)).AsTask().GetAwaiter().GetResult();
                }
            }
        }

        _sqlite.UpsertAsync(_key, _versions[0]).AsTask().GetAwaiter().GetResult();
        _memory.UpsertAsync(_key, _versions[0]).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "yardstick: in-memory upsert of 56 records")]
    public ValueTask InMemoryUpsert56() => _memory.UpsertAsync(_key, _versions[_next++ & 1]);

    [Benchmark(Description = "SQLite upsert of 56 records (one transaction)")]
    public ValueTask SqliteUpsert56() => _sqlite.UpsertAsync(_key, _versions[_next++ & 1]);

    [Benchmark(Description = "yardstick: in-memory read of one group (56 records)")]
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> InMemoryReadGroup() => _memory.GetRecordsAsync(_key);

    [Benchmark(Description = "SQLite read of one group (56 records)")]
    public ValueTask<IReadOnlyList<CacheMetadataRecord>> SqliteReadGroup() => _sqlite.GetRecordsAsync(_key);
}
