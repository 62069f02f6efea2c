using AudioVis.Cache.History;
using AudioVis.Cache.Internal;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Persistence;

/// <summary>
/// The export manifest of 1,000 history entries (the default retention): query every page, summarise, serialise and
/// replace the file atomically. Target: ≤ 20 ms. Yardstick: the atomic replacement alone (temp file, write the same
/// bytes, flush to disk, rename), i.e. the I/O floor of any manifest writer with the same durability.
/// </summary>
[MemoryDiagnoser]
public class ManifestBenchmarks
{
    private ServiceProvider _provider = null!;
    private IExportManifestWriter _writer = null!;
    private byte[] _bytes = null!;
    private string _floorPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = Directory.CreateTempSubdirectory("avcache-manifest-bench-").FullName;
        _provider = new ServiceCollection().AddAudioVisCache(o => o.ExportsRoot = root).Services.BuildServiceProvider();
        _provider.GetRequiredService<IHistoryStore>()
            .AppendAsync(PersistenceWorkload.Entries(1000, DateTimeOffset.UtcNow.AddHours(-1))).AsTask().GetAwaiter().GetResult();
        _writer = _provider.GetRequiredService<IExportManifestWriter>();
        var result = _writer.WriteAsync("scene-1").AsTask().GetAwaiter().GetResult();
        if (result.EntryCount != 1000)
        {
            throw new InvalidOperationException($"The manifest holds {result.EntryCount} entries, not 1000.");
        }

        _bytes = File.ReadAllBytes(result.Path);
        _floorPath = Path.Combine(root, "floor.json");
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "yardstick: atomic replace of the same bytes (temp, flush to disk, rename)")]
    public ValueTask AtomicWriteOnly() => AtomicFile.WriteAsync(_floorPath, (stream, ct) => stream.WriteAsync(_bytes, ct), null, CancellationToken.None);

    [Benchmark(Description = "manifest of 1,000 entries (query, summarise, serialise, atomic replace)")]
    public ValueTask<ExportManifestResult> Manifest1000() => _writer.WriteAsync("scene-1");
}
