using AudioVis.Cache.Analysis.Audio;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis.Audio;

/// <summary>Opening, sniffing and the errors for bad audio: each is typed and names the file and the problem.</summary>
[TestFixture]
public sealed class AudioSourcesTests
{
    private AudioTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new AudioTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Open_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var path = _files.GetPath("missing.wav");

        Assert.That(() => AudioSources.Open(path), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(path));
    }

    [Test]
    public void Open_EmptyFile_ThrowsEmpty()
    {
        var path = _files.GetPath("empty.wav");
        File.WriteAllBytes(path, []);

        AssertFormatError(path, AudioFormatProblem.Empty, "0 bytes");
    }

    [Test]
    public void Open_TruncatedWavHeader_ThrowsTruncated()
    {
        var whole = File.ReadAllBytes(_files.WriteWav("whole.wav", new WaveFormat(44_100, 16, 2), AudioTestFiles.Sines(44_100, 2, 100)));
        var path = _files.GetPath("truncated.wav");
        File.WriteAllBytes(path, whole[..30]);

        var ex = AssertFormatError(path, AudioFormatProblem.Truncated, "WAV header is truncated");
        Assert.That(ex.InnerException, Is.InstanceOf<EndOfStreamException>());
    }

    [Test]
    public void Open_RiffTooShortForItsFormType_ThrowsTruncated()
    {
        var path = _files.GetPath("riff.wav");
        File.WriteAllBytes(path, "RIFF\0\0"u8.ToArray());

        AssertFormatError(path, AudioFormatProblem.Truncated, "RIFF header is truncated");
    }

    [Test]
    public void Open_RandomBytes_ThrowsUnrecognized()
    {
        var bytes = new byte[4096];
        new Random(20261125).NextBytes(bytes);
        bytes[0] = 0x42;
        var path = _files.GetPath("noise.wav");
        File.WriteAllBytes(path, bytes);

        AssertFormatError(path, AudioFormatProblem.Unrecognized, "not WAV, MP3 or Ogg Vorbis");
    }

    [Test]
    public void Open_RiffAvi_ThrowsUnrecognized()
    {
        var bytes = AudioTestFiles.BuildWav(1, 1, 8_000, 16, new byte[10]);
        "AVI "u8.CopyTo(bytes.AsSpan(8));
        var path = _files.GetPath("movie.avi");
        File.WriteAllBytes(path, bytes);

        AssertFormatError(path, AudioFormatProblem.Unrecognized, "'AVI ' data, not WAVE");
    }

    [TestCase("ID3")]
    [TestCase("sync")]
    public void Open_Mp3SignatureFollowedByGarbage_ThrowsMalformedWithTheDecoderErrorInside(string signature)
    {
        var bytes = new byte[5000];
        new Random(7).NextBytes(bytes);
        byte[] header = signature == "ID3" ? "ID3"u8.ToArray() : [0xFF, 0xFB, 0x90, 0x00];
        header.CopyTo(bytes, 0);
        var path = _files.GetPath("garbage.mp3");
        File.WriteAllBytes(path, bytes);

        var ex = AssertFormatError(path, AudioFormatProblem.Malformed, "MP3 stream cannot be decoded");
        Assert.That(ex.InnerException, Is.Not.Null);
    }

    [Test]
    public void Open_OggOpus_ThrowsUnsupportedEncoding()
    {
        var page = new byte[27 + 1 + 19];
        "OggS"u8.CopyTo(page);
        page[5] = 0x02;
        page[26] = 1;
        page[27] = 19;
        "OpusHead"u8.CopyTo(page.AsSpan(28));
        var path = _files.GetPath("voice.ogg");
        File.WriteAllBytes(path, page);

        AssertFormatError(path, AudioFormatProblem.UnsupportedEncoding, "Ogg file holds Opus, not Vorbis");
    }

    [Test]
    public void Open_TruncatedOggVorbis_ThrowsATypedErrorWithTheDecoderErrorInside()
    {
        var whole = File.ReadAllBytes(AudioTestFiles.FixturePath("sine-440-660.ogg"));
        var path = _files.GetPath("cut.ogg");
        File.WriteAllBytes(path, whole[..(whole.Length / 3)]);

        var ex = Assert.Throws<AudioFormatException>(() =>
        {
            using var source = AudioSources.Open(path);
            AudioTestFiles.ReadAll(source);
        });

        Assert.That(ex.Message, Does.Contain(path));
    }

    [Test]
    public void Read_Mp3CutShort_ThrowsTruncatedAtTheFrameItEnds()
    {
        var whole = File.ReadAllBytes(AudioTestFiles.FixturePath("sine-440-660.mp3"));
        var path = _files.GetPath("cut.mp3");
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        using var source = AudioSources.Open(path);

        var ex = Assert.Throws<AudioFormatException>(() => AudioTestFiles.ReadAll(source));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Problem, Is.EqualTo(AudioFormatProblem.Truncated));
            Assert.That(ex.Message, Does.Contain(path).And.Contain($"of its {source.FrameCount} frames"));
        }
    }

    [Test]
    public void Open_ZeroLengthDataChunk_ThrowsEmpty()
    {
        var path = _files.WriteWav("silent.wav", new WaveFormat(44_100, 16, 2), []);

        AssertFormatError(path, AudioFormatProblem.Empty, "no frames");
    }

    [TestCase(1)]
    [TestCase(7_999)]
    [TestCase(384_001)]
    [TestCase(1_000_000_000)]
    public void Open_AbsurdSampleRate_ThrowsSampleRateOutOfRange(int sampleRate)
    {
        var path = _files.WriteRawWav("rate.wav", 1, 2, sampleRate, 16, new byte[400]);

        AssertFormatError(path, AudioFormatProblem.SampleRateOutOfRange, $"sample rate is {sampleRate} Hz");
    }

    [TestCase(0)]
    [TestCase(65)]
    public void Open_ChannelCountOutOfRange_ThrowsChannelCountOutOfRange(int channels)
    {
        var bytes = AudioTestFiles.BuildWav(3, (ushort)channels, 48_000, 32, new byte[65 * 4 * 4]);
        bytes[32] = Math.Max(bytes[32], (byte)4); // NAudio itself rejects a block align of 0.
        var path = _files.GetPath("channels.wav");
        File.WriteAllBytes(path, bytes);

        AssertFormatError(path, AudioFormatProblem.ChannelCountOutOfRange, $"channel count is {channels}; 1…64");
    }

    [TestCase((ushort)7, (ushort)8, "MuLaw")]
    [TestCase((ushort)6, (ushort)8, "ALaw")]
    [TestCase((ushort)3, (ushort)64, "64-bit IeeeFloat")]
    [TestCase((ushort)1, (ushort)12, "12-bit Pcm")]
    public void Open_UnsupportedEncoding_ThrowsNamingTheEncoding(ushort formatTag, ushort bits, string named)
    {
        var path = _files.WriteRawWav("encoding.wav", formatTag, 1, 8_000, bits, new byte[800]);

        AssertFormatError(path, AudioFormatProblem.UnsupportedEncoding, named);
    }

    [Test]
    public void Open_Adpcm_ThrowsUnsupportedEncoding()
    {
        var path = _files.GetPath("adpcm.wav");
        using (var writer = new WaveFileWriter(path, new AdpcmWaveFormat(8_000, 1)))
        {
            writer.Write(new byte[512], 0, 512);
        }

        AssertFormatError(path, AudioFormatProblem.UnsupportedEncoding, "Adpcm");
    }

    [Test]
    public void Read_NaNInFloatWav_ThrowsWithTheSamplePosition()
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 10_000);
        samples[(5_000 * 2) + 1] = float.NaN;
        var path = _files.WriteWav("nan.wav", WaveFormat.CreateIeeeFloatWaveFormat(48_000, 2), samples);
        using var source = AudioSources.Open(path);

        var ex = Assert.Throws<InvalidAudioSampleException>(() => AudioTestFiles.ReadAll(source, bufferSamples: 4096 * 2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.FrameIndex, Is.EqualTo(5_000));
            Assert.That(ex.Channel, Is.EqualTo(2));
            Assert.That(ex.Value, Is.NaN);
            Assert.That(ex.Message, Does.Contain(path).And.Contain("frame 5000").And.Contain("channel 2").And.Contain("NaN"));
        }
    }

    [Test]
    public void Read_InfinityInFloatWav_ThrowsWithTheSamplePosition()
    {
        var samples = new float[100];
        samples[42] = float.NegativeInfinity;
        var path = _files.WriteWav("inf.wav", WaveFormat.CreateIeeeFloatWaveFormat(8_000, 1), samples);
        using var source = AudioSources.Open(path);

        var ex = Assert.Throws<InvalidAudioSampleException>(() => source.Read(new float[100]));

        Assert.That((ex.FrameIndex, ex.Channel, ex.Value), Is.EqualTo((42L, 1, float.NegativeInfinity)));
    }

    [TestCase(float.NaN, 3000, 2)]
    [TestCase(float.PositiveInfinity, 3000, 1)]
    [TestCase(float.NegativeInfinity, 3000, 2)]
    [TestCase(float.NaN, 0, 1)]
    [TestCase(float.PositiveInfinity, 4095, 2)]
    public void Read_NonFiniteInFloatWavDeepInsideABlock_ThrowsWithItsFrameAndChannel(float value, int frame, int channel)
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 4096);
        samples[(frame * 2) + channel - 1] = value;
        var path = _files.WriteWav("bad.wav", WaveFormat.CreateIeeeFloatWaveFormat(48_000, 2), samples);
        using var source = AudioSources.Open(path);

        var ex = Assert.Throws<InvalidAudioSampleException>(() => source.Read(new float[4096 * 2]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((ex.FrameIndex, ex.Channel), Is.EqualTo(((long)frame, channel)));
            Assert.That(ex.Value, float.IsNaN(value) ? Is.NaN : Is.EqualTo(value));
            Assert.That(ex.Message, Does.Contain($"at frame {frame} ").And.Contain($"channel {channel};"));
        }
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void Read_NonFiniteInPcmChangedAfterFromPcm_ThrowsWithItsFrameAndChannel(float value)
    {
        // FromPcm checks the buffer once; a host that writes into it afterwards is caught by the check of every read block.
        var samples = AudioTestFiles.Sines(48_000, 2, 4096);
        using var source = AudioSources.FromPcm("host buffer", 48_000, 2, samples);
        samples[(3000 * 2) + 1] = value;

        var ex = Assert.Throws<InvalidAudioSampleException>(() => source.Read(new float[4096 * 2]));

        Assert.That((ex.FrameIndex, ex.Channel, ex.Value), Is.EqualTo((3000L, 2, value)));
    }

    [TestCase(1000)]
    [TestCase(4096)]
    [TestCase(37)]
    public void Read_TwoNonFiniteSamplesInLaterBlocks_ReportsTheFirstWithItsTrackFrame(int bufferFrames)
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 10_000);
        using var source = new PcmAudioSource("host buffer", 48_000, 2, samples);
        samples[(7000 * 2) + 0] = float.NegativeInfinity;
        samples[(6999 * 2) + 1] = float.NaN;
        samples[(7001 * 2) + 1] = float.PositiveInfinity;

        var ex = Assert.Throws<InvalidAudioSampleException>(() => AudioTestFiles.ReadAll(source, bufferSamples: bufferFrames * 2));

        Assert.That((ex.FrameIndex, ex.Channel, ex.Value), Is.EqualTo((6999L, 2, float.NaN)));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void FromPcm_NonFiniteDeepInsideALargeBuffer_ThrowsWithItsFrameAndChannel(float value)
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 4096);
        samples[3000 * 2] = value;

        var ex = Assert.Throws<InvalidAudioSampleException>(() => AudioSources.FromPcm("host buffer", 48_000, 2, samples));

        Assert.That((ex.FrameIndex, ex.Channel, ex.Value), Is.EqualTo((3000L, 1, value)));
    }

    [Test]
    public void Read_ExtremeFiniteSamples_AreAccepted()
    {
        float[] extremes = [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, -0f, 1.17549435e-38f, BitConverter.Int32BitsToSingle(0x7F000000)];
        var samples = Enumerable.Range(0, 4096 * 2).Select(i => extremes[i % extremes.Length]).ToArray();
        using var source = new PcmAudioSource("host buffer", 48_000, 2, samples);

        Assert.That(AudioTestFiles.ReadAll(source, bufferSamples: 4096 * 2), Is.EqualTo(samples));
    }

    [Test]
    public void FromPcm_NaN_ThrowsBeforeAnyRead()
    {
        var samples = AudioTestFiles.Ramp(6, 100);
        samples[(17 * 6) + 4] = float.NaN;

        var ex = Assert.Throws<InvalidAudioSampleException>(() => AudioSources.FromPcm("host buffer", 48_000, 6, samples));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((ex.FrameIndex, ex.Channel), Is.EqualTo((17L, 5)));
            Assert.That(ex.Message, Does.StartWith("Audio 'host buffer' has the non-finite sample NaN at frame 17"));
        }
    }

    [Test]
    public void FromPcm_ReadsTheSamplesBack()
    {
        var samples = AudioTestFiles.Ramp(3, 5000);
        using var source = AudioSources.FromPcm("host", 96_000, 3, samples);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((source.Name, source.SampleRate, source.ChannelCount, source.FrameCount), Is.EqualTo(("host", 96_000, 3, 5000L)));
            Assert.That(AudioTestFiles.ReadAll(source, bufferSamples: 1000), Is.EqualTo(samples));
        }
    }

    [Test]
    public void FromPcm_NoSamples_ThrowsEmpty()
    {
        var ex = Assert.Throws<AudioFormatException>(() => AudioSources.FromPcm("host", 48_000, 2, ReadOnlyMemory<float>.Empty));

        Assert.That((ex.Problem, ex.SourceName), Is.EqualTo((AudioFormatProblem.Empty, "host")));
    }

    [TestCase(0)]
    [TestCase(65)]
    public void FromPcm_ChannelCountOutOfRange_Throws(int channels)
    {
        var ex = Assert.Throws<AudioFormatException>(() => AudioSources.FromPcm("host", 48_000, channels, new float[130]));

        Assert.That(ex.Message, Is.EqualTo($"Audio 'host' cannot be read: the channel count is {channels}; 1…64 channels are supported."));
    }

    [Test]
    public void FromPcm_PartialFrame_ThrowsArgumentException() =>
        Assert.That(() => AudioSources.FromPcm("host", 48_000, 2, new float[3]), Throws.ArgumentException.With.Message.Contains("'host'"));

    private static AudioFormatException AssertFormatError(string path, AudioFormatProblem problem, string detail)
    {
        var ex = Assert.Throws<AudioFormatException>(() => AudioSources.Open(path).Dispose());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Problem, Is.EqualTo(problem));
            Assert.That(ex.SourceName, Is.EqualTo(path));
            Assert.That(ex.Message, Does.Contain(path).And.Contain(detail));
        }

        return ex;
    }
}
