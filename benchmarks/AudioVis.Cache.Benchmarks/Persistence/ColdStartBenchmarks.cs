using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Persistence;

/// <summary>
/// A host restarting: build the services, open the SQLite database (1,000 elements over 50 tracks × 3 profiles, every
/// descriptor cached), publish every intent and run the first frame. Target: ≤ 50 ms. Yardstick: the same start with
/// an in-memory store that already holds the same records (what the frame costs without opening a database).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class ColdStartBenchmarks
{
    private const int Elements = 1000;
    private const int Tracks = 50;

    private static readonly string[][] DescriptorSets =
    [
        ["spectrum.bands32@L", "spectrum.bands32@R"],
        ["rms@mid", "onset.strength", "peak"],
        ["spectral.centroid", "spectral.flux", "mfcc", "chroma"],
        ["waveform.minmax", "rms"],
    ];

    private static readonly AnalysisProfile[] Profiles =
    [
        AnalysisProfile.Default,
        new("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }),
        new("lores", AnalysisParameters.Default with { WindowSize = 1024, FftSize = 1024, HopSize = 256 }),
    ];

    private readonly InMemoryCacheMetadataStore _seeded = new();
    private AnalysisIntent[] _intents = null!;
    private string _databasePath = null!;

    [GlobalSetup]
    public void Setup()
    {
        _intents = new AnalysisIntent[Elements];
        var cached = new Dictionary<CacheKey, SortedSet<string>>();
        for (var i = 0; i < Elements; i++)
        {
            var profile = Profiles[i / Tracks % Profiles.Length];
            var key = new CacheKey($"tracks/track-{i % Tracks:D2}.wav", profile.Id);
            var set = DescriptorSets[i % DescriptorSets.Length];
            _intents[i] = AnalysisIntent.Create($"element-{i:D4}", key.TrackRef, key.AnalysisProfileId, set, PersistenceWorkload.At);
            (cached.TryGetValue(key, out var ids) ? ids : cached[key] = new SortedSet<string>(StringComparer.Ordinal)).UnionWith(set);
        }

        _databasePath = PersistenceWorkload.NewDatabasePath();
        using var provider = Build(useSqlite: true);
        var store = provider.GetRequiredService<ICacheMetadataStore>();
        foreach (var (key, ids) in cached)
        {
            var profile = Profiles.Single(p => p.Id == key.AnalysisProfileId);
            var records = ids.Select(id => Record(key, id, profile)).ToArray();
            store.UpsertAsync(key, records).AsTask().GetAwaiter().GetResult();
            _seeded.UpsertAsync(key, records).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true, Description = "yardstick: start + first frame, in-memory store already filled")]
    public Task<int> InMemoryStart() => StartAsync(useSqlite: false);

    [Benchmark(Description = "start + open SQLite + first frame (1,000 elements, 50 tracks)")]
    public Task<int> SqliteColdStart() => StartAsync(useSqlite: true);

    private static CacheMetadataRecord Record(CacheKey key, string descriptor, AnalysisProfile profile)
    {
        var id = Descriptors.DescriptorId.Parse(descriptor);
        var definition = Descriptors.DescriptorCatalog.Default.TryGetDefinition(id, out var d) ? d : throw new InvalidOperationException(descriptor);
        return new CacheMetadataRecord(key, id, profile.RevisionHash, profile.Parameters, "unknown", definition.CalculatorId, definition.CalculatorVersion, PersistenceWorkload.At);
    }

    private async Task<int> StartAsync(bool useSqlite)
    {
        await using var provider = Build(useSqlite);
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        foreach (var intent in _intents)
        {
            bus.Publish(intent);
        }

        var diffs = await provider.GetRequiredService<IDiffScheduler>().RunFrameAsync();
        var dirty = diffs.Count(d => d.RequiresRegeneration);
        return dirty == 0 ? diffs.Count : throw new InvalidOperationException($"{dirty} groups need regeneration; the cold start must see a clean cache.");
    }

    private ServiceProvider Build(bool useSqlite)
    {
        var services = new ServiceCollection();
        if (!useSqlite)
        {
            services.AddSingleton<ICacheMetadataStore>(_seeded);
        }

        var builder = services.AddAudioVisCache(o =>
        {
            o.IncludeDefaultProfile = false;
            foreach (var profile in Profiles)
            {
                o.Profiles.Add(profile);
            }
        });
        if (useSqlite)
        {
            builder.UseSqlite(o => o.DatabasePath = _databasePath);
        }

        return services.BuildServiceProvider();
    }
}
