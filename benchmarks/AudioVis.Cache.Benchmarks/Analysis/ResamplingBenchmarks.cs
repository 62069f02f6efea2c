using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Analysis;

/// <summary>
/// The cost of resampling one minute of 48 kHz stereo to 44.1 kHz (ResamplingAudioSource: NAudio.Core's WDL resampler,
/// 384-tap windowed sinc, 256 phases), against the yardstick of decoding, hashing and one channel's STFT of the same
/// minute at its own rate. Resampling + STFT is what a profile with <c>TargetSampleRate = 44100</c> adds on a 48 kHz track.
/// </summary>
[MemoryDiagnoser]
public class ResamplingBenchmarks
{
    private const int SourceRate = 48_000;
    private const int TargetRate = 44_100;
    private const int Seconds = 60;

    private readonly float[] _block = new float[StftPipeline.BlockFrames * 2];
    private float[] _samples = [];

    [GlobalSetup]
    public void Setup()
    {
        var frames = SourceRate * Seconds;
        _samples = new float[frames * 2];
        var random = new Random(2026);
        for (var n = 0; n < frames; n++)
        {
            var t = (double)n / SourceRate;
            _samples[2 * n] = (float)((0.4 * Math.Sin(2.0 * Math.PI * 440.0 * t)) + (0.1 * (random.NextDouble() - 0.5)));
            _samples[(2 * n) + 1] = (float)((0.3 * Math.Sin(2.0 * Math.PI * 9876.0 * t)) + (0.1 * (random.NextDouble() - 0.5)));
        }
    }

    [Benchmark(Baseline = true, Description = "yardstick: decode + hash + STFT of L, 1 min 48 kHz stereo, native rate")]
    public long DecodeAndStftNative()
    {
        using var source = AudioSources.FromPcm("minute", SourceRate, 2, _samples);
        return Stft(source, SourceRate, new AudioContentHasher(source));
    }

    [Benchmark(Description = "resample only: 1 min 48 kHz stereo to 44.1 kHz (decode + hash + resample)")]
    public long ResampleOnly()
    {
        using var decoded = AudioSources.FromPcm("minute", SourceRate, 2, _samples);
        using var hasher = new AudioContentHasher(decoded);
        using var source = new ResamplingAudioSource(decoded, TargetRate, hasher);
        long frames = 0;
        int read;
        while ((read = source.Read(_block)) > 0)
        {
            frames += read / 2;
        }

        return frames;
    }

    [Benchmark(Description = "resample + STFT of L: 1 min 48 kHz stereo analysed at 44.1 kHz")]
    public long ResampleAndStft()
    {
        using var decoded = AudioSources.FromPcm("minute", SourceRate, 2, _samples);
        using var hasher = new AudioContentHasher(decoded);
        using var source = new ResamplingAudioSource(decoded, TargetRate, hasher);
        return Stft(source, TargetRate, null);
    }

    private static long Stft(IAudioSource source, int sampleRate, AudioContentHasher? hasher)
    {
        var parameters = AnalysisParameters.Default;
        var context = new AnalysisContext(sampleRate, parameters);
        var frames = (int)StftPipeline.GetFrameCount(source.FrameCount, parameters.WindowSize, parameters.HopSize);
        var pipeline = new StftPipeline(source, context, [(ChannelExtractor.Create(source, ChannelAlias.Left), [])], frames);
        using (hasher)
        {
            pipeline.Run(hasher, null, CancellationToken.None);
        }

        return pipeline.FramesDecoded;
    }
}
