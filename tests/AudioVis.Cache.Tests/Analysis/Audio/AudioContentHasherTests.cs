using System.Buffers.Binary;
using System.IO.Hashing;
using AudioVis.Cache.Analysis.Audio;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis.Audio;

[TestFixture]
public sealed class AudioContentHasherTests
{
    /// <summary>
    /// The audiovis-pcm-v2 hash of <see cref="AudioTestFiles.Ramp"/> (2 channels, 1000 frames, 48 kHz): XXH3-128 of
    /// <c>b"audiovis-pcm-v2" + struct.pack("&lt;ii", 48000, 2) + the floats packed as "&lt;f"</c>. Pinned from the first run;
    /// <see cref="XxHash128_PublishedVectors_MatchTheReferenceImplementation"/> ties the algorithm to the reference xxHash.
    /// </summary>
    private const string GoldenRampHash = "dd1072006a1a436900a2130ccd56ad7e";

    private AudioTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new AudioTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public async Task ComputeAsync_Ramp_MatchesGoldenValue()
    {
        using var source = AudioSources.FromPcm("ramp", 48_000, 2, AudioTestFiles.Ramp(2, 1000));

        Assert.That(await AudioContentHasher.ComputeAsync(source), Is.EqualTo(GoldenRampHash));
    }

    [Test]
    public async Task ComputeAsync_Ramp_EqualsXxHash128OfTheDocumentedEncoding()
    {
        var samples = AudioTestFiles.Ramp(2, 1000);
        using var stream = new MemoryStream();
        stream.Write("audiovis-pcm-v2"u8);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(word, 48_000);
        stream.Write(word);
        BinaryPrimitives.WriteInt32LittleEndian(word, 2);
        stream.Write(word);
        foreach (var sample in samples)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, sample);
            stream.Write(word);
        }

        var expected = Convert.ToHexStringLower(XxHash128.Hash(stream.ToArray()));
        using var source = AudioSources.FromPcm("ramp", 48_000, 2, samples);

        Assert.That(await AudioContentHasher.ComputeAsync(source), Is.EqualTo(expected));
    }

    // XXH3-128 (seed 0) of "" and "abc" from xxHash's sanity vectors, canonical (big-endian) hex.
    [TestCase("", "99aa06d3014798d86001c324468d497f")]
    [TestCase("abc", "06b05ab6733a618578af5f94892f3950")]
    public void XxHash128_PublishedVectors_MatchTheReferenceImplementation(string text, string expected)
    {
        Assert.That(Convert.ToHexStringLower(XxHash128.Hash(System.Text.Encoding.ASCII.GetBytes(text))), Is.EqualTo(expected));
    }

    [Test]
    public async Task ComputeAsync_SameWavOpenedTwice_GivesTheSameHash()
    {
        var path = _files.WriteWav("twice.wav", new WaveFormat(44_100, 24, 2), AudioTestFiles.Sines(44_100, 2, 20_000));

        string first;
        using (var source = AudioSources.Open(path))
        {
            first = await AudioContentHasher.ComputeAsync(source);
        }

        using var again = AudioSources.Open(path);

        Assert.That(await AudioContentHasher.ComputeAsync(again), Is.EqualTo(first).And.Length.EqualTo(32).And.Match("^[0-9a-f]+$"));
    }

    [Test]
    public async Task ComputeAsync_OneSampleChanged_GivesADifferentHash()
    {
        var samples = AudioTestFiles.Ramp(2, 5000);
        using var original = AudioSources.FromPcm("a", 48_000, 2, samples.ToArray());
        samples[7777] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(samples[7777]) + 1);
        using var changed = AudioSources.FromPcm("b", 48_000, 2, samples);

        Assert.That(await AudioContentHasher.ComputeAsync(changed), Is.Not.EqualTo(await AudioContentHasher.ComputeAsync(original)));
    }

    [TestCase(44_100, 2)]
    [TestCase(48_000, 1)]
    public async Task ComputeAsync_SameSamplesOtherFormat_GivesADifferentHash(int sampleRate, int channels)
    {
        var samples = AudioTestFiles.Ramp(2, 1000);
        using var reference = AudioSources.FromPcm("a", 48_000, 2, samples);
        using var other = AudioSources.FromPcm("b", sampleRate, channels, samples);

        Assert.That(await AudioContentHasher.ComputeAsync(other), Is.Not.EqualTo(await AudioContentHasher.ComputeAsync(reference)));
    }

    [Test]
    public async Task ComputeAsync_FloatWavAndFromPcmWithTheSameSamples_AreEqual()
    {
        var samples = AudioTestFiles.Sines(48_000, 6, 9000);
        var path = _files.WriteWav("same.wav", WaveFormat.CreateIeeeFloatWaveFormat(48_000, 6), samples);
        using var wav = AudioSources.Open(path);
        using var pcm = AudioSources.FromPcm("host", 48_000, 6, samples);

        Assert.That(await AudioContentHasher.ComputeAsync(wav), Is.EqualTo(await AudioContentHasher.ComputeAsync(pcm)));
    }

    [Test]
    public async Task Append_BlocksDuringAnAnalysisPass_EqualsComputeAsync()
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 10_000);
        using var source = AudioSources.FromPcm("pass", 48_000, 2, samples);
        using var hasher = new AudioContentHasher(source);
        var buffer = new float[999];
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, read));
        }

        var incremental = hasher.GetHashAndReset();

        Assert.That(incremental, Is.EqualTo(await AudioContentHasher.ComputeAsync(source)));
    }

    [Test]
    public void GetHashAndReset_Twice_StartsOverWithTheSameHeader()
    {
        var samples = AudioTestFiles.Ramp(1, 100);
        using var hasher = new AudioContentHasher(8_000, 1);
        hasher.Append(samples);
        var first = hasher.GetHashAndReset();
        hasher.Append(samples);

        Assert.That(hasher.GetHashAndReset(), Is.EqualTo(first));
    }

    [Test]
    public async Task ComputeAsync_PartlyReadSource_HashesFromTheFirstFrameAndRewinds()
    {
        var samples = AudioTestFiles.Ramp(2, 3000);
        using var reference = AudioSources.FromPcm("a", 48_000, 2, samples);
        using var source = AudioSources.FromPcm("b", 48_000, 2, samples);
        source.Read(new float[100]);

        var hash = await AudioContentHasher.ComputeAsync(source);
        var next = new float[2];
        source.Read(next);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hash, Is.EqualTo(await AudioContentHasher.ComputeAsync(reference)));
            Assert.That(next, Is.EqualTo(samples[..2]), "left rewound");
        }
    }

    [Test]
    public void ComputeAsync_Cancelled_Throws()
    {
        using var source = AudioSources.FromPcm("a", 48_000, 2, AudioTestFiles.Ramp(2, 100));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await AudioContentHasher.ComputeAsync(source, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Append_SteadyState_DoesNotAllocate()
    {
        var block = AudioTestFiles.Ramp(2, 4096);
        using var hasher = new AudioContentHasher(48_000, 2);
        hasher.Append(block);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            hasher.Append(block);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
