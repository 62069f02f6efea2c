using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using CsCheck;

namespace AudioVis.Cache.Tests.Analysis.Audio;

[TestFixture]
public sealed class ChannelExtractorTests
{
    // Two stereo frames: (L, R) = (0.5, 0.25) and (-1, 0.75).
    private static readonly float[] Stereo = [0.5f, 0.25f, -1f, 0.75f];

    // Two 6-channel frames with exactly representable sums.
    private static readonly float[] Six = [0.5f, 0.25f, -0.125f, 1f, -0.5f, 0.375f, -1f, 0.75f, 0.5f, 0.25f, 0f, -0.125f];

    private static readonly float[] Mono = [0.5f, -0.25f, 1f];

    public static IEnumerable<TestCaseData> StereoCases()
    {
        yield return new TestCaseData(ChannelAlias.Mono, new[] { 0.375f, -0.125f }).SetArgDisplayNames("mono");
        yield return new TestCaseData(ChannelAlias.Left, new[] { 0.5f, -1f }).SetArgDisplayNames("L");
        yield return new TestCaseData(ChannelAlias.Right, new[] { 0.25f, 0.75f }).SetArgDisplayNames("R");
        yield return new TestCaseData(ChannelAlias.Mid, new[] { 0.375f, -0.125f }).SetArgDisplayNames("mid");
        yield return new TestCaseData(ChannelAlias.Side, new[] { 0.125f, -0.875f }).SetArgDisplayNames("side");
        yield return new TestCaseData(ChannelAlias.Numbered(1), new[] { 0.5f, -1f }).SetArgDisplayNames("ch1");
        yield return new TestCaseData(ChannelAlias.Numbered(2), new[] { 0.25f, 0.75f }).SetArgDisplayNames("ch2");
    }

    public static IEnumerable<TestCaseData> SixChannelCases()
    {
        yield return new TestCaseData(ChannelAlias.Mono, new[] { 1.5f / 6, 0.375f / 6 }).SetArgDisplayNames("mono");
        yield return new TestCaseData(ChannelAlias.Left, new[] { 0.5f, -1f }).SetArgDisplayNames("L");
        yield return new TestCaseData(ChannelAlias.Right, new[] { 0.25f, 0.75f }).SetArgDisplayNames("R");
        yield return new TestCaseData(ChannelAlias.Mid, new[] { 0.375f, -0.125f }).SetArgDisplayNames("mid");
        yield return new TestCaseData(ChannelAlias.Side, new[] { 0.125f, -0.875f }).SetArgDisplayNames("side");
        yield return new TestCaseData(ChannelAlias.Numbered(3), new[] { -0.125f, 0.5f }).SetArgDisplayNames("ch3");
        yield return new TestCaseData(ChannelAlias.Numbered(4), new[] { 1f, 0.25f }).SetArgDisplayNames("ch4");
        yield return new TestCaseData(ChannelAlias.Numbered(5), new[] { -0.5f, 0f }).SetArgDisplayNames("ch5");
        yield return new TestCaseData(ChannelAlias.Numbered(6), new[] { 0.375f, -0.125f }).SetArgDisplayNames("ch6");
    }

    public static IEnumerable<TestCaseData> MonoFileCases()
    {
        yield return new TestCaseData(ChannelAlias.Mono, Mono).SetArgDisplayNames("mono");
        yield return new TestCaseData(ChannelAlias.Left, Mono).SetArgDisplayNames("L");
        yield return new TestCaseData(ChannelAlias.Right, Mono).SetArgDisplayNames("R");
        yield return new TestCaseData(ChannelAlias.Mid, Mono).SetArgDisplayNames("mid");
        yield return new TestCaseData(ChannelAlias.Side, new[] { 0f, 0f, 0f }).SetArgDisplayNames("side");
        yield return new TestCaseData(ChannelAlias.Numbered(1), Mono).SetArgDisplayNames("ch1");
    }

    [TestCaseSource(nameof(StereoCases))]
    public void Extract_Stereo_GivesTheAliasExactly(ChannelAlias alias, float[] expected) =>
        Assert.That(Extract(Stereo, 2, alias), Is.EqualTo(expected));

    [TestCaseSource(nameof(SixChannelCases))]
    public void Extract_SixChannels_GivesTheAliasExactly(ChannelAlias alias, float[] expected) =>
        Assert.That(Extract(Six, 6, alias), Is.EqualTo(expected));

    [TestCaseSource(nameof(MonoFileCases))]
    public void Extract_MonoFile_TreatsItAsDualMono(ChannelAlias alias, float[] expected) =>
        Assert.That(Extract(Mono, 1, alias), Is.EqualTo(expected));

    [Test]
    public void Extract_MonoOfStereo_IsBitIdenticalToMid()
    {
        var samples = AudioTestFiles.Sines(48_000, 2, 1000);

        Assert.That(Extract(samples, 2, ChannelAlias.Mono), Is.EqualTo(Extract(samples, 2, ChannelAlias.Mid)));
    }

    [Test]
    public void Extract_MidPlusSide_RecoversLeftAndRight()
    {
        Gen.Float[-1f, 1f].Array[2, 512].Where(a => a.Length % 2 == 0).Sample(interleaved =>
        {
            var left = Extract(interleaved, 2, ChannelAlias.Left);
            var right = Extract(interleaved, 2, ChannelAlias.Right);
            var mid = Extract(interleaved, 2, ChannelAlias.Mid);
            var side = Extract(interleaved, 2, ChannelAlias.Side);
            for (var i = 0; i < left.Length; i++)
            {
                Assert.That(mid[i] + side[i], Is.EqualTo(left[i]).Within(1e-6f));
                Assert.That(mid[i] - side[i], Is.EqualTo(right[i]).Within(1e-6f));
            }
        });
    }

    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(31)]
    [TestCase(32)]
    [TestCase(37)]
    [TestCase(4096)]
    public void Extract_RandomStereo_EveryAliasIsBitIdenticalToTheScalarFormula(int frames)
    {
        var random = new Random(frames);
        var interleaved = Enumerable.Range(0, 2 * frames).Select(_ => MathF.ScaleB((float)((2 * random.NextDouble()) - 1), random.Next(-20, 21))).ToArray();
        var l = Enumerable.Range(0, frames).Select(f => interleaved[2 * f]).ToArray();
        var r = Enumerable.Range(0, frames).Select(f => interleaved[(2 * f) + 1]).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Left)), Is.EqualTo(Bits(l)), "L");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Right)), Is.EqualTo(Bits(r)), "R");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Numbered(1))), Is.EqualTo(Bits(l)), "ch1");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Numbered(2))), Is.EqualTo(Bits(r)), "ch2");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Mid)), Is.EqualTo(Bits([.. l.Zip(r, (a, b) => (a + b) * 0.5f)])), "mid");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Side)), Is.EqualTo(Bits([.. l.Zip(r, (a, b) => (a - b) * 0.5f)])), "side");
            Assert.That(Bits(Extract(interleaved, 2, ChannelAlias.Mono)), Is.EqualTo(Bits([.. l.Zip(r, (a, b) => (a + b) / 2)])), "mono");
        }
    }

    [TestCase(16, 5)]
    [TestCase(37, 1)]
    [TestCase(4096, 3)]
    public void Extract_StereoBlockWithAPartialFrame_IgnoresTheDanglingSample(int frames, int seed)
    {
        var random = new Random(seed);
        var interleaved = Enumerable.Range(0, (2 * frames) + 1).Select(_ => (float)random.NextDouble()).ToArray();

        var mid = new float[frames + 1];
        var written = ChannelExtractor.Create("x", 2, ChannelAlias.Mid).Extract(interleaved, mid);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.EqualTo(frames));
            Assert.That(mid[..frames], Is.EqualTo(Enumerable.Range(0, frames).Select(f => (interleaved[2 * f] + interleaved[(2 * f) + 1]) * 0.5f)));
            Assert.That(mid[frames], Is.Zero, "nothing is written past the whole frames");
        }
    }

    [TestCase(17)]
    [TestCase(4096)]
    public void Extract_StereoSpecialValues_AreCombinedAsTheScalarFormulaDoes(int frames)
    {
        // Extremes the vector path must round exactly as the scalar one: overflow to infinity, subnormals, signed zeros.
        float[] pool = [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 0f, -0f, 1e-38f, 3f, -1f];
        var random = new Random(frames);
        var interleaved = Enumerable.Range(0, 2 * frames).Select(_ => pool[random.Next(pool.Length)]).ToArray();

        var mid = Extract(interleaved, 2, ChannelAlias.Mid);
        var side = Extract(interleaved, 2, ChannelAlias.Side);

        using (Assert.EnterMultipleScope())
        {
            for (var f = 0; f < frames; f++)
            {
                var (a, b) = (interleaved[2 * f], interleaved[(2 * f) + 1]);
                Assert.That(BitConverter.SingleToInt32Bits(mid[f]), Is.EqualTo(BitConverter.SingleToInt32Bits((a + b) * 0.5f)), $"mid {f}");
                Assert.That(BitConverter.SingleToInt32Bits(side[f]), Is.EqualTo(BitConverter.SingleToInt32Bits((a - b) * 0.5f)), $"side {f}");
            }
        }
    }

    [TestCase(2, 3)]
    [TestCase(2, 5)]
    [TestCase(6, 7)]
    [TestCase(1, 2)]
    public void Create_NumberedChannelBeyondTheCount_ThrowsNamingSourceAliasAndCount(int channelCount, int number)
    {
        var ex = Assert.Throws<AudioChannelNotAvailableException>(() => ChannelExtractor.Create("/music/track.wav", channelCount, ChannelAlias.Numbered(number)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Message, Does.Contain("/music/track.wav").And.Contain($"'ch{number}'").And.Contain($"has {channelCount} channel"));
            Assert.That(ex.SourceName, Is.EqualTo("/music/track.wav"));
            Assert.That(ex.Channel, Is.EqualTo(ChannelAlias.Numbered(number)));
            Assert.That(ex.ChannelCount, Is.EqualTo(channelCount));
        }
    }

    [Test]
    public void Create_FromSource_UsesItsNameAndChannelCount()
    {
        using var source = AudioSources.FromPcm("host track 7", 48_000, 2, Stereo);

        var ex = Assert.Throws<AudioChannelNotAvailableException>(() => ChannelExtractor.Create(source, ChannelAlias.Numbered(5)));

        Assert.That(ex.Message, Is.EqualTo("Audio 'host track 7' has 2 channels; channel 'ch5' needs at least 5."));
    }

    [Test]
    public void Extract_DestinationTooShort_Throws()
    {
        var extractor = ChannelExtractor.Create("x", 2, ChannelAlias.Left);

        Assert.That(() => extractor.Extract(Stereo, new float[1]), Throws.ArgumentException);
    }

    [Test]
    public void Extract_EveryAliasPerBlock_DoesNotAllocate()
    {
        var block = AudioTestFiles.Sines(48_000, 6, 4096);
        var output = new float[4096];
        ChannelAlias[] aliases = [ChannelAlias.Mono, ChannelAlias.Left, ChannelAlias.Right, ChannelAlias.Mid, ChannelAlias.Side, ChannelAlias.Numbered(6)];
        var extractors = aliases.Select(a => ChannelExtractor.Create("x", 6, a)).ToArray();
        var mono = ChannelExtractor.Create("x", 1, ChannelAlias.Side);
        foreach (var extractor in extractors)
        {
            extractor.Extract(block, output);
        }

        mono.Extract(block.AsSpan(0, 4096), output);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 3; i++)
        {
            foreach (var extractor in extractors)
            {
                extractor.Extract(block, output);
            }

            mono.Extract(block.AsSpan(0, 4096), output);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static float[] Extract(float[] interleaved, int channels, ChannelAlias alias)
    {
        var output = new float[interleaved.Length / channels];
        var frames = ChannelExtractor.Create("test", channels, alias).Extract(interleaved, output);
        Assert.That(frames, Is.EqualTo(output.Length));
        return output;
    }
}
