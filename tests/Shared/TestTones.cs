using System.Globalization;
using NAudio.Wave;

namespace AudioVis.Cache.TestServers;

/// <summary>The tracks of the cluster tests and benchmark: 1-2 s of a different modulated tone each, mono 22.05 kHz WAV.</summary>
internal static class TestTones
{
    private const int Rate = 22_050;

    /// <summary>Writes <paramref name="count"/> tracks <c>t000.wav</c>, <c>t001.wav</c>… into <paramref name="folder"/> and returns their names.</summary>
    public static string[] Write(string folder, int count)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"t{i:D3}.wav");
            Write(Path.Combine(folder, names[i]), 1 + ((i % 5) * 0.25), 110 + (7 * i));
        }

        return names;
    }

    private static void Write(string path, double seconds, double hertz)
    {
        var samples = new float[(int)(seconds * Rate)];
        for (var n = 0; n < samples.Length; n++)
        {
            samples[n] = (float)(0.5 * Math.Sin(2 * Math.PI * hertz * n / Rate) * (1 + (0.5 * Math.Sin(2 * Math.PI * 3 * n / Rate))) / 1.5);
        }

        using var writer = new WaveFileWriter(path, new WaveFormat(Rate, 16, 1));
        writer.WriteSamples(samples, 0, samples.Length);
    }
}
