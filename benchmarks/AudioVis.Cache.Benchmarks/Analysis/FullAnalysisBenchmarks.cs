using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace AudioVis.Cache.Benchmarks.Analysis;

/// <summary>
/// Full default-profile analysis of a 10-minute stereo 44.1 kHz track: all 14 v1 descriptors on L, R, mid and side
/// (56 blobs), written to in-memory stores, and to a file-system feature store in a temporary folder (1.7 GB written per
/// analysis, so that case includes the disk). The analysis is single-threaded, so real-time factor per core = 600 s / mean.
/// The STFT-only case (one channel, no descriptors, no writes) is the floor for context.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Jobs))]
public class FullAnalysisBenchmarks
{
    private float[] _samples = [];
    private AudioAnalyzer? _analyzer;
    private AnalysisRequest? _request;
    private string? _folder;

    /// <summary>Gets or sets the analysis's degree of parallelism (channels computed at once); the yardstick ignores it.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _samples = AnalysisWorkload.Generate();
        _request = new AnalysisRequest(AnalysisProfile.Default, "track-10min", [.. AnalysisWorkload.AllV1OnFourChannels]);
    }

    // Fresh stores per iteration, so one iteration's 1.7 GB of spectra do not pile onto the next.
    [IterationSetup(Target = nameof(FullDefaultProfile))]
    public void ResetStores() =>
        _analyzer = new AudioAnalyzer(
            new AnalysisWorkload.PcmResolver(_samples), new InMemoryFeatureStore(), new InMemoryCacheMetadataStore(), TimeProvider.System, CalculatorRegistry.BuiltIn, degreeOfParallelism: Threads);

    [Benchmark(Description = "all v1 descriptors @L @R @mid @side, in-memory stores")]
    public int FullDefaultProfile() => _analyzer!.AnalyzeAsync(_request!, null).AsTask().GetAwaiter().GetResult().Count;

    [IterationSetup(Target = nameof(FullDefaultProfileToFiles))]
    public void CreateFolder()
    {
        _folder = Directory.CreateTempSubdirectory("avc-bench-").FullName;
        _analyzer = new AudioAnalyzer(
            new AnalysisWorkload.PcmResolver(_samples), new FileSystemFeatureStore(_folder), new InMemoryCacheMetadataStore(), TimeProvider.System, CalculatorRegistry.BuiltIn, degreeOfParallelism: Threads);
    }

    [IterationCleanup(Target = nameof(FullDefaultProfileToFiles))]
    public void DeleteFolder() => Directory.Delete(_folder!, recursive: true);

    [Benchmark(Description = "all v1 descriptors @L @R @mid @side, file-system feature store (1.7 GB to disk)")]
    public int FullDefaultProfileToFiles() => _analyzer!.AnalyzeAsync(_request!, null).AsTask().GetAwaiter().GetResult().Count;

    [Benchmark(Baseline = true, Description = "STFT only, one channel (decode + hash + window + FFT)")]
    public long StftOnlyOneChannel()
    {
        using var source = AudioSources.FromPcm("track-10min", AnalysisWorkload.SampleRate, 2, _samples);
        var context = new AnalysisContext(AnalysisWorkload.SampleRate, AnalysisParameters.Default);
        var frames = (int)StftPipeline.GetFrameCount(source.FrameCount, context.Parameters.WindowSize, context.Parameters.HopSize);
        var pipeline = new StftPipeline(source, context, [(ChannelExtractor.Create(source, ChannelAlias.Left), [])], frames);
        using var hasher = new AudioContentHasher(source);
        pipeline.Run(hasher, null, CancellationToken.None);
        return pipeline.FramesDecoded;
    }

    // The default GC returns freed memory to the OS, so each analysis may page-fault its 1.7 GB of outputs in again;
    // RetainVM (a host setting: System.GC.RetainVM) keeps it for the next analysis, as a long-running host would.
    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            var job = Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5);
            AddJob(job.WithId("default GC"));
            AddJob(job.WithGcRetainVm(true).WithId("GC RetainVM"));
        }
    }
}
