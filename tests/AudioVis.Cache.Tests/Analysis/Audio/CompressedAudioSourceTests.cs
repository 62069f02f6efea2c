using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Tests.Analysis.Audio;

/// <summary>MP3 (NLayer) and Ogg Vorbis (NVorbis) fixtures: 1 s of 440 Hz left and 660 Hz right at half scale (see Fixtures/README.md).</summary>
[TestFixture]
public sealed class CompressedAudioSourceTests
{
    private const int SampleRate = 44_100;

    [TestCase("sine-440-660.mp3", 44_100, 44_100 + 2_304)]
    [TestCase("sine-440-660.ogg", 44_100, 44_100)]
    public void Open_Fixture_ReportsFormatAndLength(string fileName, int minFrames, int maxFrames)
    {
        using var source = AudioSources.Open(AudioTestFiles.FixturePath(fileName));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(source.SampleRate, Is.EqualTo(SampleRate));
            Assert.That(source.ChannelCount, Is.EqualTo(2));
            Assert.That(source.FrameCount, Is.InRange(minFrames, maxFrames));
        }
    }

    [TestCase("sine-440-660.mp3")]
    [TestCase("sine-440-660.ogg")]
    public void Read_Fixture_DecodesLeft440HzAndRight660HzAtHalfScale(string fileName)
    {
        using var source = AudioSources.Open(AudioTestFiles.FixturePath(fileName));
        var samples = AudioTestFiles.ReadAll(source);
        var left = Extract(samples, ChannelAlias.Left);
        var right = Extract(samples, ChannelAlias.Right);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SteadyFrequency(left), Is.EqualTo(440).Within(3));
            Assert.That(SteadyFrequency(right), Is.EqualTo(660).Within(3));
            Assert.That(SteadyRms(left), Is.EqualTo(0.5 / Math.Sqrt(2)).Within(0.02));
            Assert.That(SteadyRms(right), Is.EqualTo(0.5 / Math.Sqrt(2)).Within(0.02));
        }
    }

    [TestCase("sine-440-660.mp3")]
    [TestCase("sine-440-660.ogg")]
    public void Rewind_Fixture_SecondPassIsBitIdentical(string fileName)
    {
        using var source = AudioSources.Open(AudioTestFiles.FixturePath(fileName));
        var first = AudioTestFiles.ReadAll(source, bufferSamples: 1000);
        source.Rewind();

        Assert.That(AudioTestFiles.ReadAll(source, bufferSamples: 4096), Is.EqualTo(first));
    }

    [TestCase("sine-440-660.mp3")]
    [TestCase("sine-440-660.ogg")]
    public async Task ComputeAsync_Fixture_IsStableAcrossOpens(string fileName)
    {
        string first;
        using (var source = AudioSources.Open(AudioTestFiles.FixturePath(fileName)))
        {
            first = await AudioContentHasher.ComputeAsync(source);
        }

        using var again = AudioSources.Open(AudioTestFiles.FixturePath(fileName));

        Assert.That(await AudioContentHasher.ComputeAsync(again), Is.EqualTo(first));
    }

    private static float[] Extract(float[] interleaved, ChannelAlias alias)
    {
        var output = new float[interleaved.Length / 2];
        ChannelExtractor.Create("fixture", 2, alias).Extract(interleaved, output);
        return output;
    }

    /// <summary>Frequency from the sign changes between 0.1 s and 0.9 s (away from encoder delay and fades).</summary>
    private static double SteadyFrequency(float[] channel)
    {
        var start = SampleRate / 10;
        var end = SampleRate * 9 / 10;
        var crossings = 0;
        for (var i = start + 1; i < end; i++)
        {
            if ((channel[i - 1] > 0) != (channel[i] > 0))
            {
                crossings++;
            }
        }

        return crossings / 2.0 / ((end - start) / (double)SampleRate);
    }

    private static double SteadyRms(float[] channel)
    {
        var segment = channel.AsSpan(SampleRate / 10, SampleRate * 8 / 10);
        var sum = 0.0;
        foreach (var x in segment)
        {
            sum += (double)x * x;
        }

        return Math.Sqrt(sum / segment.Length);
    }
}
