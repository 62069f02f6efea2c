using NAudio.Wave;

namespace AudioVis.Cache.Reliability.Tests;

/// <summary>Real audio for the suite's analyses.</summary>
internal static class TestAudio
{
    /// <summary>Writes a stereo 44.1 kHz float WAV: 440 Hz left, 660 Hz right.</summary>
    public static void WriteTone(string path, int seconds = 1)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(44100, 2));
        var frame = new float[2];
        for (var i = 0; i < 44100 * seconds; i++)
        {
            frame[0] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 44100f);
            frame[1] = 0.25f * MathF.Sin(2 * MathF.PI * 660 * i / 44100f);
            writer.WriteSamples(frame, 0, 2);
        }
    }
}
