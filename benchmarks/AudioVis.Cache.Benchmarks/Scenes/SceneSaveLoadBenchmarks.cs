using System.Globalization;
using System.Text.Json;
using AudioVis.Cache.Benchmarks.Persistence;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Scenes;

/// <summary>
/// The spec's overhead promise: "analysis intents and history logging add &lt; 5 % to scene save/load times" (ours: &lt; 1 %).
/// A host scene of 500 elements over 20 tracks and 3 profiles (layout, style, 24 keyframes and 8 effect parameters
/// each, about 1 KB of JSON an element) is saved and loaded with System.Text.Json (source-generated), without the
/// library and with it running on SQLite (metadata and history stores open, history logging on, every descriptor
/// of the scene cached). With the library, a save publishes every element's intent (unchanged, so memoized) and a
/// load retracts the previous scene's 500 intents and publishes the new ones. Each save/load pair is one category;
/// its yardstick is the same operation without the library, so the Ratio column is the overhead. Because the
/// difference of two noisy timings of about 10 ms is mostly noise, each category also times the library's part alone:
/// its Ratio is the overhead measured directly.
/// The last row adds the first diff frame against SQLite, which a host runs on its frame loop after the load returns
/// (the banner's state); it is reported for completeness, not as part of the load.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class SceneSaveLoadBenchmarks
{
    private const int Elements = 500;
    private const int Tracks = 20;
    private const int KeyframesPerElement = 24;

    private static readonly string[][] Bindings =
    [
        ["spectrum.bands32@L", "spectrum.bands32@R"],
        ["rms@mid", "onset.strength"],
        ["spectral.centroid", "spectral.flux", "chroma"],
        ["waveform.minmax"],
        ["mfcc", "rms"],
    ];

    private static readonly AnalysisProfile[] Profiles =
    [
        AnalysisProfile.Default,
        new("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }),
        new("lores", AnalysisParameters.Default with { WindowSize = 1024, FftSize = 1024, HopSize = 256 }),
    ];

    private HostScene _scene = null!;
    private string _folder = null!;
    private string _savePath = null!;
    private string _loadPath = null!;
    private ServiceProvider _provider = null!;
    private IAnalysisIntentBus _bus = null!;
    private IDiffScheduler _scheduler = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _scene = BuildScene();
        _folder = Directory.CreateTempSubdirectory("avcache-scene-bench-").FullName;
        _savePath = Path.Combine(_folder, "saved.scene.json");
        _loadPath = Path.Combine(_folder, "project.scene.json");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(_scene, HostSceneJsonContext.Default.HostScene);
        File.WriteAllBytes(_loadPath, bytes);
        Console.WriteLine($"// scene: {Elements} elements, {Tracks} tracks, {Profiles.Length} profiles, {bytes.Length:N0} bytes of JSON");

        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.IncludeDefaultProfile = false;
            foreach (var profile in Profiles)
            {
                o.Profiles.Add(profile);
            }
        }).UseSqlite(o => o.DatabasePath = Path.Combine(_folder, "audiovis-cache.db"));
        _provider = services.BuildServiceProvider();
        _bus = _provider.GetRequiredService<IAnalysisIntentBus>();
        _scheduler = _provider.GetRequiredService<IDiffScheduler>();
        _now = _provider.GetRequiredService<TimeProvider>().GetUtcNow();
        SeedCache();

        // The first load publishes the scene; each load below replaces it with itself, as reopening a project does.
        PublishIntents(_scene);
        var diffs = _scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();
        if (diffs.Any(d => d.RequiresRegeneration))
        {
            throw new InvalidOperationException("The seeded cache must be clean: the benchmark measures save/load, not regeneration.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [BenchmarkCategory("save"), Benchmark(Baseline = true, Description = "save: serialise + write (no library)")]
    public void SaveWithoutLibrary() => Save();

    [BenchmarkCategory("save"), Benchmark(Description = "save + publish every element's intent (library on SQLite)")]
    public int SaveWithLibrary()
    {
        Save();
        return PublishIntents(_scene);
    }

    [BenchmarkCategory("save"), Benchmark(Description = "the library's part alone: publish 500 unchanged intents")]
    public int SaveLibraryPartAlone() => PublishIntents(_scene);

    [BenchmarkCategory("load"), Benchmark(Baseline = true, Description = "load: read + deserialise (no library)")]
    public int LoadWithoutLibrary() => Load().Elements.Count;

    [BenchmarkCategory("load"), Benchmark(Description = "load + retract old + publish 500 intents (library on SQLite)")]
    public int LoadWithLibrary()
    {
        var scene = Load();
        RetractIntents(scene);
        return PublishIntents(scene);
    }

    [BenchmarkCategory("load"), Benchmark(Description = "the library's part alone: retract + publish 500 intents")]
    public int LoadLibraryPartAlone()
    {
        RetractIntents(_scene);
        return PublishIntents(_scene);
    }

    [BenchmarkCategory("load"), Benchmark(Description = "… + the first diff frame against SQLite (frame loop, after the load)")]
    public async Task<int> LoadWithLibraryAndFirstDiff()
    {
        var scene = Load();
        RetractIntents(scene);
        PublishIntents(scene);
        var diffs = await _scheduler.RunFrameAsync();
        return diffs.Count;
    }

    private void Save()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(_scene, HostSceneJsonContext.Default.HostScene);
        File.WriteAllBytes(_savePath, bytes);
    }

    private HostScene Load()
    {
        using var file = File.OpenRead(_loadPath);
        return JsonSerializer.Deserialize(file, HostSceneJsonContext.Default.HostScene)
            ?? throw new InvalidDataException($"'{_loadPath}' holds no scene.");
    }

    private int PublishIntents(HostScene scene)
    {
        var changed = 0;
        foreach (var element in scene.Elements)
        {
            var binding = element.Binding;
            changed += _bus.Publish(AnalysisIntent.Create(element.Id, binding.Track, binding.Profile, binding.Descriptors, _now)) ? 1 : 0;
        }

        return changed;
    }

    private void RetractIntents(HostScene scene)
    {
        foreach (var element in scene.Elements)
        {
            _bus.Retract(element.Id);
        }
    }

    private void SeedCache()
    {
        var store = _provider.GetRequiredService<ICacheMetadataStore>();
        foreach (var group in _scene.Elements.GroupBy(e => new CacheKey(_scene.Tracks.Single(t => t.Id == e.Binding.Track).Path, e.Binding.Profile)))
        {
            var profile = Profiles.Single(p => p.Id == group.Key.AnalysisProfileId);
            var records = group.SelectMany(e => e.Binding.Descriptors).Distinct(StringComparer.Ordinal).Select(d =>
            {
                var id = DescriptorId.Parse(d);
                var definition = DescriptorCatalog.Default.TryGetDefinition(id, out var found) ? found : throw new InvalidOperationException(d);
                return new CacheMetadataRecord(group.Key, id, profile.RevisionHash, profile.Parameters, "unknown", definition.CalculatorId, definition.CalculatorVersion, PersistenceWorkload.At);
            }).ToArray();
            store.UpsertAsync(group.Key, records).AsTask().GetAwaiter().GetResult();
        }
    }

    private static HostScene BuildScene()
    {
        var random = new Random(20261202);
        var tracks = Enumerable.Range(0, Tracks).Select(t => new HostTrack($"tracks/track-{t:D2}.wav", $"tracks/track-{t:D2}.wav", 180 + t)).ToArray();
        string[] kinds = ["bars", "ring", "particles", "waveform", "text"];
        string[] properties = ["x", "y", "opacity", "rotation", "scale"];
        string[] easings = ["linear", "ease-in", "ease-out", "ease-in-out"];
        var elements = new HostElement[Elements];
        for (var i = 0; i < Elements; i++)
        {
            var keyframes = Enumerable.Range(0, KeyframesPerElement)
                .Select(k => new HostKeyframe(k * 0.5, properties[k % properties.Length], Math.Round(random.NextDouble(), 4), easings[k % easings.Length]))
                .ToArray();
            var effect = Enumerable.Range(0, 8).ToDictionary(p => $"param{p}", _ => Math.Round(random.NextDouble(), 4));
            elements[i] = new HostElement(
                $"element-{i:D3}",
                string.Create(CultureInfo.InvariantCulture, $"{kinds[i % kinds.Length]} {i}"),
                kinds[i % kinds.Length],
                i % 12,
                new HostTransform(random.Next(1920), random.Next(1080), 64 + random.Next(512), 64 + random.Next(512), random.Next(360), 1.0),
                $"#{random.Next(0x1000000):X6}",
                "normal",
                keyframes,
                effect,
                new HostAudioBinding(tracks[i % Tracks].Id, Profiles[i / Tracks % Profiles.Length].Id, Bindings[i % Bindings.Length]));
        }

        return new HostScene("scene-1", "Benchmark scene", 3, tracks, elements);
    }
}
