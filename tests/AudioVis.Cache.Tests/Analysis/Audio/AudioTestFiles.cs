using System.Buffers.Binary;
using AudioVis.Cache.Analysis.Audio;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis.Audio;

/// <summary>Temporary audio files and known signals for the audio tests.</summary>
internal sealed class AudioTestFiles : IDisposable
{
    public AudioTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "audiovis-audio-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public static string FixturePath(string fileName) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Analysis", "Audio", "Fixtures", fileName);

    /// <summary>A different sine per channel (220 Hz × channel number), 0.8 full scale.</summary>
    public static float[] Sines(int sampleRate, int channels, int frames)
    {
        var samples = new float[frames * channels];
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < channels; c++)
            {
                samples[(f * channels) + c] = (float)(0.8 * Math.Sin(2 * Math.PI * 220 * (c + 1) * f / sampleRate));
            }
        }

        return samples;
    }

    /// <summary>A signal of exactly representable values (no transcendental functions), for golden hashes.</summary>
    public static float[] Ramp(int channels, int frames)
    {
        var samples = new float[frames * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (((i * 37) % 201) - 100) / 128f;
        }

        return samples;
    }

    public static float[] ReadAll(IAudioSource source, int bufferSamples = 4096 * 8)
    {
        var result = new float[source.FrameCount * source.ChannelCount];
        var buffer = new float[bufferSamples];
        var offset = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            buffer.AsSpan(0, read).CopyTo(result.AsSpan(offset));
            offset += read;
        }

        Assert.That(offset, Is.EqualTo(result.Length), "samples returned by a full pass");
        return result;
    }

    public string GetPath(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>Writes samples through NAudio's <see cref="WaveFileWriter"/>, which converts to the format's encoding.</summary>
    public string WriteWav(string fileName, WaveFormat format, ReadOnlySpan<float> samples)
    {
        var path = GetPath(fileName);
        using var writer = new WaveFileWriter(path, format);
        foreach (var sample in samples)
        {
            writer.WriteSample(sample);
        }

        return path;
    }

    /// <summary>Hand-crafts a canonical 44-byte-header WAV file (for formats or values NAudio would not write).</summary>
    public string WriteRawWav(string fileName, ushort formatTag, ushort channels, int sampleRate, ushort bitsPerSample, ReadOnlySpan<byte> data)
    {
        var path = GetPath(fileName);
        File.WriteAllBytes(path, BuildWav(formatTag, channels, sampleRate, bitsPerSample, data));
        return path;
    }

    public static byte[] BuildWav(ushort formatTag, ushort channels, int sampleRate, ushort bitsPerSample, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[44 + data.Length];
        var span = bytes.AsSpan();
        var blockAlign = (ushort)(channels * Math.Max(1, bitsPerSample / 8));
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data.Length);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], formatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], bitsPerSample);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data.Length);
        data.CopyTo(span[44..]);
        return bytes;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a failing test must not hide the test's own failure.
        }
    }
}
