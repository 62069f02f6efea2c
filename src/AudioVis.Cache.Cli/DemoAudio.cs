using NAudio.Wave;

namespace AudioVis.Cache.Cli;

/// <summary>Synthetic tracks for the demo (and the tests), written as real WAV files (32-bit float, stereo, 44.1 kHz).</summary>
internal static class DemoAudio
{
    public const int SampleRate = 44_100;

    /// <summary>A chord (A3, C#4, E4) panned apart.</summary>
    public static void WriteChord(string path, double seconds) => Write(path, seconds, (i, t) =>
        ((0.3f * MathF.Sin(2 * MathF.PI * 220 * t)) + (0.2f * MathF.Sin(2 * MathF.PI * 277.18f * t)),
         (0.3f * MathF.Sin(2 * MathF.PI * 329.63f * t)) + (0.1f * MathF.Sin(2 * MathF.PI * 220 * t))));

    /// <summary>A click every half second over quiet noise (seeded, so every run writes the same file).</summary>
    public static void WriteClicks(string path, double seconds)
    {
        var random = new Random(7);
        Write(path, seconds, (i, _) =>
        {
            var sample = (i % (SampleRate / 2) < 64 ? 0.8f : 0f) + (0.05f * ((float)random.NextDouble() - 0.5f));
            return (sample, sample);
        });
    }

    private static void Write(string path, double seconds, Func<int, float, (float Left, float Right)> sample)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var frames = (int)(seconds * SampleRate);
        var pcm = new float[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            (pcm[2 * i], pcm[(2 * i) + 1]) = sample(i, i / (float)SampleRate);
        }

        using var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 2));
        writer.WriteSamples(pcm, 0, pcm.Length);
    }
}
