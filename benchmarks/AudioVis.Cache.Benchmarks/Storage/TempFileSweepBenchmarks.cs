using AudioVis.Cache.Internal;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Storage;

/// <summary>
/// Issue #13: the cost of <c>ICacheMaintenance.SweepTempFilesAsync</c> on a feature store of <see cref="Keys"/>
/// {track, profile} directories, each holding 4 blobs, with 100 temporary files of another machine (young, so kept: every
/// iteration walks the same tree). The sweep reads names and last write times only; this is what it costs at start-up.
/// </summary>
[MemoryDiagnoser]
public class TempFileSweepBenchmarks
{
    private string _folder = string.Empty;
    private FileSystemFeatureStore _store = null!;
    private DateTimeOffset _now;

    /// <summary>Gets or sets the number of {track, profile} directories.</summary>
    [Params(1_000, 10_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("avc-sweep-").FullName;
        _store = new FileSystemFeatureStore(_folder);
        string[] descriptors = ["rms@%4C.avcf", "zcr.avcf", "onset.strength.avcf", "spectrum.bands32@%4C.avcf"];
        for (var k = 0; k < Keys; k++)
        {
            var directory = FeatureStorePaths.GetKeyDirectory(_folder, new CacheKey($"track-{k}.wav", "default"));
            Directory.CreateDirectory(directory);
            foreach (var name in descriptors)
            {
                File.WriteAllBytes(Path.Combine(directory, name), [1]);
            }

            if (k % (Keys / 100) == 0)
            {
                File.WriteAllBytes(Path.Combine(directory, TempFileNames.Create(descriptors[0], "other-node", 4242)), [1]);
            }
        }

        _now = DateTimeOffset.UtcNow;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public TempFileSweepReport Sweep() => _store.SweepTempFilesAsync(_now, TimeSpan.FromHours(24), CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
