using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Benchmarks.Analysis;

/// <summary>The benchmark track: 10 minutes of generated stereo at 44.1 kHz, and the full default-profile descriptor list.</summary>
internal static class AnalysisWorkload
{
    public const int SampleRate = 44_100;
    public const int Seconds = 600;

    /// <summary>Every v1 descriptor on L, R, mid and side (56 descriptors).</summary>
    public static IReadOnlyList<DescriptorId> AllV1OnFourChannels { get; } =
    [
        .. new[]
        {
            "spectrum", "spectrum.db", "spectrum.bands32", "rms", "peak", "zcr", "waveform.minmax", "spectral.centroid",
            "spectral.rolloff", "spectral.flux", "spectral.flatness", "onset.strength", "chroma", "mfcc",
        }.SelectMany(name => new[] { "L", "R", "mid", "side" }.Select(channel => DescriptorId.Parse($"{name}@{channel}"))),
    ];

    /// <summary>L: three sines plus noise; R: a log sweep plus other noise, so every channel alias differs.</summary>
    public static float[] Generate()
    {
        var frames = SampleRate * Seconds;
        var samples = new float[frames * 2];
        var random = new Random(2026);
        for (var n = 0; n < frames; n++)
        {
            var t = (double)n / SampleRate;
            samples[2 * n] = (float)((0.1 * (random.NextDouble() - 0.5))
                + (0.4 * Math.Sin(2.0 * Math.PI * 440.0 * t))
                + (0.2 * Math.Sin(2.0 * Math.PI * 1234.5 * t))
                + (0.1 * Math.Sin(2.0 * Math.PI * 9876.0 * t)));
            var sweepPhase = 2.0 * Math.PI * 20.0 * 60.0 / Math.Log(1000.0) * (Math.Exp((t % 60.0) / 60.0 * Math.Log(1000.0)) - 1.0);
            samples[(2 * n) + 1] = (float)((0.4 * Math.Sin(sweepPhase)) + (0.05 * (random.NextDouble() - 0.5)));
        }

        return samples;
    }

    /// <summary>Resolves every track reference to the generated PCM.</summary>
    public sealed class PcmResolver(float[] samples) : ITrackAudioResolver
    {
        public IAudioSource Open(string trackRef) => AudioSources.FromPcm(trackRef, SampleRate, 2, samples);

        public string? GetChangeToken(string trackRef) => null;
    }
}
