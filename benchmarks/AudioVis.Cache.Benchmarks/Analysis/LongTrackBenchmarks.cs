using System.Diagnostics;
using System.Globalization;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace AudioVis.Cache.Benchmarks.Analysis;

/// <summary>
/// Issue #10: a 10-minute and a 3-hour stereo track (generated as it is read, 48 kHz), all 14 v1 descriptors on L, R, mid
/// and side, streamed into a file-system feature store (about 1.9 GB and 35 GB in float32), with float32 spectra and with
/// 8-bit dB spectra. The 3-hour time must stay within 18.5× the 10-minute time of the same run. Each case runs in its own process; its peak working set is printed at the end
/// (line "peak-working-set: …" in the log), since BenchmarkDotNet has no column for it.
/// </summary>
[Config(typeof(Jobs))]
public class LongTrackBenchmarks
{
    private string? _folder;
    private AudioAnalyzer? _analyzer;
    private AnalysisRequest? _request;

    /// <summary>Gets or sets the track's length in seconds.</summary>
    [Params(600, 10_800)]
    public int Seconds { get; set; }

    /// <summary>Gets or sets the profile's spectrum encoding: float32 (exact) or 8-bit dB.</summary>
    [Params("float32", "db8")]
    public string Encoding { get; set; } = "float32";

    [IterationSetup]
    public void CreateStore()
    {
        _folder = Directory.CreateTempSubdirectory("avc-long-").FullName;
        var seconds = Seconds;
        _analyzer = new AudioAnalyzer(
            new GeneratedResolver(seconds),
            new FileSystemFeatureStore(_folder),
            new InMemoryCacheMetadataStore(),
            TimeProvider.System,
            CalculatorRegistry.BuiltIn);
        var encoding = Encoding == "db8" ? SpectrumEncoding.Decibels8 : SpectrumEncoding.Float32;
        var profile = new AnalysisProfile("long", AnalysisParameters.Default with { SpectrumEncoding = encoding });
        _request = new AnalysisRequest(profile, "generated", [.. AnalysisWorkload.AllV1OnFourChannels]);
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        var stored = new DirectoryInfo(_folder!).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Directory.Delete(_folder!, recursive: true);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"peak-working-set: seconds={Seconds} encoding={Encoding} peak={process.PeakWorkingSet64} working-set={process.WorkingSet64} stored={stored}"));
    }

    [Benchmark(Description = "all v1 descriptors @L @R @mid @side, generated stereo, file-system store")]
    public int Analyze() => _analyzer!.AnalyzeAsync(_request!, null).AsTask().GetAwaiter().GetResult().Count;

    private sealed class GeneratedResolver(int seconds) : ITrackAudioResolver
    {
        public IAudioSource Open(string trackRef) => new GeneratedSource(trackRef, seconds, 2);

        public string? GetChangeToken(string trackRef) => null;
    }

    // One launch, no warm-up (a 3-hour iteration takes minutes; JIT is a rounding error), three measured iterations.
    private sealed class Jobs : ManualConfig
    {
        public Jobs() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(3).WithId("monitoring"));
    }
}
