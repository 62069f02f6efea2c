using AudioVis.Cache.Analysis.Audio;
using NAudio.Wave;

namespace AudioVis.Cache.Benchmarks.SourceIdentity;

/// <summary>Real WAV files in a temp folder for the source identity benchmarks (the monitor fingerprints and decodes files).</summary>
internal static class SourceIdentityAudio
{
    /// <summary>Creates an empty folder under the temp directory; the caller deletes it.</summary>
    public static string NewFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "audiovis-bench-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <summary>Writes a 16-bit PCM WAV of a sine at <paramref name="frequency"/> Hz, in chunks (a 10-minute file is not held in memory).</summary>
    /// <returns>The byte offset of the sample data in the file.</returns>
    public static long WriteWav(string path, int seconds, int sampleRate, int channels, double frequency)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var chunk = new float[sampleRate * channels];
        using (var writer = new WaveFileWriter(path, new WaveFormat(sampleRate, 16, channels)))
        {
            for (var s = 0; s < seconds; s++)
            {
                for (var n = 0; n < sampleRate; n++)
                {
                    var t = (double)((s * sampleRate) + n) / sampleRate;
                    for (var c = 0; c < channels; c++)
                    {
                        chunk[(n * channels) + c] = (float)(0.5 * Math.Sin(2 * Math.PI * frequency * (c + 1) * t));
                    }
                }

                writer.WriteSamples(chunk, 0, chunk.Length);
            }
        }

        // WaveFileWriter writes the header, then the data chunk, and nothing after it.
        return new FileInfo(path).Length - ((long)seconds * sampleRate * channels * 2);
    }

    /// <summary>Decodes and hashes a file as the monitor does (the hash the analysis stores and the differ compares).</summary>
    public static string ContentHash(string path)
    {
        using var source = AudioSources.Open(path);
        return AudioContentHasher.ComputeAsync(source).AsTask().GetAwaiter().GetResult();
    }
}
