using AudioVis.Cache.Analysis.Audio;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis.Audio;

[TestFixture]
public sealed class WavAudioSourceTests
{
    private const int SampleRate = 48_000;
    private const int Frames = 10_000;

    private AudioTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new AudioTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [TestCase(16, 1)]
    [TestCase(16, 2)]
    [TestCase(16, 6)]
    [TestCase(24, 1)]
    [TestCase(24, 2)]
    [TestCase(24, 6)]
    [TestCase(32, 1)]
    [TestCase(32, 2)]
    [TestCase(32, 6)]
    public void Read_IntegerPcm_ReturnsWrittenSamplesWithinQuantisation(int bits, int channels)
    {
        var expected = AudioTestFiles.Sines(SampleRate, channels, Frames);
        var path = _files.WriteWav($"pcm{bits}-{channels}.wav", new WaveFormat(SampleRate, bits, channels), expected);

        using var source = AudioSources.Open(path);
        var actual = AudioTestFiles.ReadAll(source);

        // Writer rounding plus reader scaling: at most two steps of the quantisation grid.
        var tolerance = 2.0 / (1L << (bits - 1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(source.SampleRate, Is.EqualTo(SampleRate));
            Assert.That(source.ChannelCount, Is.EqualTo(channels));
            Assert.That(source.FrameCount, Is.EqualTo(Frames));
            Assert.That(source.Name, Is.EqualTo(path));
            Assert.That(actual, Is.EqualTo(expected).Within(tolerance));
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(6)]
    public void Read_IeeeFloat_ReturnsWrittenSamplesExactly(int channels)
    {
        var expected = AudioTestFiles.Sines(SampleRate, channels, Frames);
        var path = _files.WriteWav($"float-{channels}.wav", WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, channels), expected);

        using var source = AudioSources.Open(path);

        Assert.That(AudioTestFiles.ReadAll(source), Is.EqualTo(expected));
    }

    [Test]
    public void Read_Extensible24BitSixChannels_ReturnsWrittenSamples()
    {
        var expected = AudioTestFiles.Sines(SampleRate, 6, Frames);
        var path = _files.WriteWav("extensible.wav", new WaveFormatExtensible(SampleRate, 24, 6), expected);

        using var source = AudioSources.Open(path);

        Assert.That(AudioTestFiles.ReadAll(source), Is.EqualTo(expected).Within(2.0 / (1 << 23)));
    }

    [Test]
    public void Read_Unsigned8Bit_MapsMidpointToZero()
    {
        var path = _files.WriteRawWav("u8.wav", 1, 1, 8_000, 8, [0, 64, 128, 192, 255]);

        using var source = AudioSources.Open(path);

        Assert.That(AudioTestFiles.ReadAll(source), Is.EqualTo(new[] { -1f, -0.5f, 0f, 0.5f, 127f / 128 }));
    }

    [Test]
    public void Read_24BitNegativeFullScale_SignExtends()
    {
        // -8388608 (0x800000), -1 (0xFFFFFF), 1, 8388607, little-endian.
        byte[] data = [0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x7F];
        var path = _files.WriteRawWav("s24.wav", 1, 1, 8_000, 24, data);

        using var source = AudioSources.Open(path);

        Assert.That(
            AudioTestFiles.ReadAll(source),
            Is.EqualTo(new[] { -1f, -1f / 8388608, 1f / 8388608, 8388607f / 8388608 }));
    }

    [TestCase(7)]
    [TestCase(13)]
    [TestCase(4096 * 6)]
    public void Read_AnyBufferSize_ReturnsWholeFramesAndTheSameSamples(int bufferSamples)
    {
        var expected = AudioTestFiles.Sines(SampleRate, 6, Frames);
        var path = _files.WriteWav("blocks.wav", WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 6), expected);
        using var source = AudioSources.Open(path);
        var buffer = new float[bufferSamples];
        var actual = new List<float>();
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            Assert.That(read % 6, Is.Zero, "whole frames only");
            actual.AddRange(buffer.AsSpan(0, read));
        }

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Read_BufferShorterThanOneFrame_Throws()
    {
        var path = _files.WriteWav("short.wav", WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 6), AudioTestFiles.Sines(SampleRate, 6, 10));
        using var source = AudioSources.Open(path);

        Assert.That(() => source.Read(new float[5]), Throws.ArgumentException.With.Message.Contains("6 samples"));
    }

    [Test]
    public void Rewind_AfterFullPass_ReturnsTheSameSamplesAgain()
    {
        var path = _files.WriteWav("rewind.wav", new WaveFormat(SampleRate, 16, 2), AudioTestFiles.Sines(SampleRate, 2, Frames));
        using var source = AudioSources.Open(path);
        var first = AudioTestFiles.ReadAll(source);

        Assert.That(source.Read(new float[64]), Is.Zero, "end of audio");
        source.Rewind();

        Assert.That(AudioTestFiles.ReadAll(source), Is.EqualTo(first));
    }

    [Test]
    public void Read_AfterDispose_ThrowsObjectDisposed()
    {
        var path = _files.WriteWav("disposed.wav", new WaveFormat(SampleRate, 16, 2), AudioTestFiles.Sines(SampleRate, 2, 100));
        var source = AudioSources.Open(path);
        source.Dispose();

        Assert.That(() => source.Read(new float[64]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void Open_WavWithMp3Extension_IsSniffedAsWav()
    {
        var expected = AudioTestFiles.Sines(SampleRate, 2, 100);
        var path = _files.WriteWav("actually-a-wav.mp3", WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 2), expected);

        using var source = AudioSources.Open(path);

        Assert.That(AudioTestFiles.ReadAll(source), Is.EqualTo(expected));
    }

    [Test]
    public void Read_SteadyState_DoesNotAllocatePerBlock()
    {
        var path = _files.WriteWav("alloc.wav", new WaveFormat(SampleRate, 24, 2), AudioTestFiles.Sines(SampleRate, 2, 48_000));
        using var source = AudioSources.Open(path);
        var buffer = new float[4096 * 2];
        source.Read(buffer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            source.Read(buffer);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
