using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.Cli;

/// <summary>Synthetic tracks for the demo, generated in memory so the demo needs no audio files.</summary>
internal sealed class DemoAudio : ITrackAudioResolver
{
    private const int SampleRate = 44100;
    private const int Seconds = 8;

    public IAudioSource Open(string trackRef) => AudioSources.FromPcm(trackRef, SampleRate, 2, Generate(trackRef));

    public string? GetChangeToken(string trackRef) => "synthetic-v1";

    // A chord (A3, C#4, E4) panned apart for most tracks; a click train over seeded noise for "drop" tracks.
    private static float[] Generate(string trackRef)
    {
        var pcm = new float[SampleRate * Seconds * 2];
        var random = new Random(trackRef.Length);
        var clicks = trackRef.Contains("drop", StringComparison.Ordinal);
        for (var i = 0; i < SampleRate * Seconds; i++)
        {
            var t = i / (float)SampleRate;
            float left, right;
            if (clicks)
            {
                var click = i % (SampleRate / 2) < 64 ? 0.8f : 0f;
                var noise = 0.05f * ((float)random.NextDouble() - 0.5f);
                left = right = click + noise;
            }
            else
            {
                left = (0.3f * MathF.Sin(2 * MathF.PI * 220 * t)) + (0.2f * MathF.Sin(2 * MathF.PI * 277.18f * t));
                right = (0.3f * MathF.Sin(2 * MathF.PI * 329.63f * t)) + (0.1f * MathF.Sin(2 * MathF.PI * 220 * t));
            }

            pcm[2 * i] = left;
            pcm[(2 * i) + 1] = right;
        }

        return pcm;
    }
}
