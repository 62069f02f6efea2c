using System.Globalization;
using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.Tests.Analysis.Audio;

/// <summary>
/// The resampler's quality against targets (passband ripple ≤ 0.1 dB up to 0.9 × the lower Nyquist frequency, stopband
/// and images ≥ 90 dB down), measured with pure tones and a double-precision least-squares fit of a sine and cosine at
/// the tone's frequency as the oracle; and its framing (exact frame count, short tracks, determinism, hashing).
/// </summary>
public sealed class ResamplingAudioSourceTests
{
    private const double Amplitude = 0.5;
    private const double MaxRippleDb = 0.1;
    private const double MinRejectionDb = 90;

    private static IEnumerable<TestCaseData> RatePairs()
    {
        yield return new TestCaseData(48_000, 44_100).SetArgDisplayNames("48k to 44.1k");
        yield return new TestCaseData(96_000, 44_100).SetArgDisplayNames("96k to 44.1k");
        yield return new TestCaseData(44_100, 48_000).SetArgDisplayNames("44.1k to 48k");
        yield return new TestCaseData(22_050, 44_100).SetArgDisplayNames("22.05k to 44.1k");
    }

    [TestCaseSource(nameof(RatePairs))]
    public void Read_TonesUpTo90PercentOfTheLowerNyquist_RippleWithinATenthOfADecibelAndEverythingElse90DbDown(int from, int to)
    {
        var edge = 0.9 * Math.Min(from, to) / 2;
        var worstRipple = 0.0;
        var worstRippleAt = 0.0;
        var worstResidual = double.NegativeInfinity;
        var worstResidualAt = 0.0;
        for (var f = 50.0; f <= edge; f += (edge - 50) / 40)
        {
            var output = Resample(Tone(f, from, from / 4), from, to);
            var (amplitude, residual) = Fit(output, f, to);
            var ripple = Math.Abs(20 * Math.Log10(amplitude / Amplitude));
            var residualDb = 20 * Math.Log10(residual / (Amplitude / Math.Sqrt(2)));
            (worstRipple, worstRippleAt) = ripple > worstRipple ? (ripple, f) : (worstRipple, worstRippleAt);
            (worstResidual, worstResidualAt) = residualDb > worstResidual ? (residualDb, f) : (worstResidual, worstResidualAt);
        }

        TestContext.Out.WriteLine(Invariant($"{from}→{to}: ripple {worstRipple:F5} dB at {worstRippleAt:F0} Hz, residual (images, noise) {worstResidual:F1} dB at {worstResidualAt:F0} Hz"));
        Assert.Multiple(() =>
        {
            Assert.That(worstRipple, Is.LessThanOrEqualTo(MaxRippleDb), Invariant($"passband ripple {worstRipple:F5} dB at {worstRippleAt:F0} Hz"));
            Assert.That(worstResidual, Is.LessThanOrEqualTo(-MinRejectionDb), Invariant($"everything but the tone {worstResidual:F1} dB at {worstResidualAt:F0} Hz"));
        });
    }

    [TestCase(48_000, 44_100)]
    [TestCase(96_000, 44_100)]
    public void Read_TonesAboveTheOutputNyquist_AtLeast90DbDown(int from, int to)
    {
        var worst = double.NegativeInfinity;
        var worstAt = 0.0;
        for (var f = to / 2.0; f < from / 2.0; f += (from - to) / 2.0 / 40)
        {
            var output = Resample(Tone(f, from, from / 4), from, to);
            var level = 20 * Math.Log10(Rms(output) / (Amplitude / Math.Sqrt(2)));
            (worst, worstAt) = level > worst ? (level, f) : (worst, worstAt);
        }

        TestContext.Out.WriteLine(Invariant($"{from}→{to}: stopband (from {to / 2} Hz) worst {worst:F1} dB at {worstAt:F0} Hz"));
        Assert.That(worst, Is.LessThanOrEqualTo(-MinRejectionDb), Invariant($"stopband rejection only {-worst:F1} dB at {worstAt:F0} Hz"));
    }

    [TestCase(48_000, 44_100, 96_000)]
    [TestCase(44_100, 48_000, 44_100)]
    [TestCase(96_000, 44_100, 1)]
    public void Read_WholeTrack_ReturnsExactlyFrameCountFramesThenZero(int from, int to, int frames)
    {
        using var source = new ResamplingAudioSource(AudioSources.FromPcm("t", from, 2, new float[frames * 2]), to, null);
        var buffer = new float[4096 * 2];
        long total = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            total += read / 2;
        }

        Assert.Multiple(() =>
        {
            Assert.That(source.FrameCount, Is.EqualTo(Math.Max(1, (long)frames * to / from)));
            Assert.That(total, Is.EqualTo(source.FrameCount));
            Assert.That(source.SampleRate, Is.EqualTo(to));
            Assert.That(source.ChannelCount, Is.EqualTo(2));
        });
    }

    [Test]
    public void Read_TrackShorterThanTheFilter_GivesTheScaledFrameCountWithTheLevelKept()
    {
        // 300 frames of DC, shorter than the 384-tap filter: the flush from zero padding must still give every frame.
        var input = Enumerable.Repeat(0.5f, 300).ToArray();
        using var source = new ResamplingAudioSource(AudioSources.FromPcm("short", 48_000, 1, input), 44_100, null);

        var output = ReadAll(source);

        Assert.Multiple(() =>
        {
            Assert.That(output, Has.Length.EqualTo(275));
            Assert.That(output.All(float.IsFinite), Is.True);
            // Away from the edges (where the track's own step is smoothed) the level is the input's.
            Assert.That(output[100..175], Is.All.EqualTo(0.5f).Within(0.01));
        });
    }

    [Test]
    public void Read_Twice_GivesTheSameBits()
    {
        var input = Noise(48_000 * 2, 7);

        var first = Resample(input, 48_000, 44_100, channels: 2);
        var second = Resample(input, 48_000, 44_100, channels: 2);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Rewind_AfterAFullPass_GivesTheSameBitsAgain()
    {
        using var source = new ResamplingAudioSource(AudioSources.FromPcm("n", 48_000, 1, Noise(20_000, 3)), 44_100, null);
        var first = ReadAll(source);

        source.Rewind();
        var second = ReadAll(source);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task Read_WithAHasher_HashesTheDecodedAudioNotTheResampled()
    {
        var input = Noise(30_000, 11);
        using var hasher = new AudioContentHasher(48_000, 2);
        using var source = new ResamplingAudioSource(AudioSources.FromPcm("n", 48_000, 2, input), 44_100, hasher);

        ReadAll(source);

        using var decoded = AudioSources.FromPcm("n", 48_000, 2, input);
        Assert.That(hasher.GetHashAndReset(), Is.EqualTo(await AudioContentHasher.ComputeAsync(decoded)));
    }

    [Test]
    public void Id_NamesTheLibraryItsVersionTheSettingsAndTheRevision()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ResamplingAudioSource.Id, Does.Match(@"^resample\.naudio-wdl-\d+\.\d+\.\d+\.\d+\.sinc384x256\.r1$"));
            Assert.That(ResamplingAudioSource.QualifyCalculatorId("spectral"), Is.EqualTo("spectral+" + ResamplingAudioSource.Id));
        });
    }

    private static float[] Tone(double frequency, int sampleRate, int frames)
    {
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            x[i] = (float)(Amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return x;
    }

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count];
        for (var i = 0; i < count; i++)
        {
            x[i] = (random.NextSingle() * 2) - 1;
        }

        return x;
    }

    private static float[] Resample(float[] input, int from, int to, int channels = 1)
    {
        using var source = new ResamplingAudioSource(AudioSources.FromPcm("tone", from, channels, input), to, null);
        return ReadAll(source);
    }

    private static float[] ReadAll(IAudioSource source)
    {
        var output = new float[source.FrameCount * source.ChannelCount];
        var done = 0;
        int read;
        while (done < output.Length && (read = source.Read(output.AsSpan(done, Math.Min(4096 * source.ChannelCount, output.Length - done)))) > 0)
        {
            done += read;
        }

        Assert.That(source.Read(new float[source.ChannelCount * 16]), Is.Zero, "reads past FrameCount");
        return output;
    }

    // Least squares of a·sin + b·cos at the tone's frequency over the middle half (away from the filter's edge effects):
    // the amplitude √(a² + b²) and the RMS of what the fit leaves (images, aliases, interpolation noise).
    private static (double Amplitude, double Residual) Fit(float[] y, double frequency, int sampleRate)
    {
        int start = y.Length / 4, end = 3 * y.Length / 4;
        double ss = 0, cc = 0, sc = 0, sy = 0, cy = 0, yy = 0;
        for (var i = start; i < end; i++)
        {
            var w = 2 * Math.PI * frequency * i / sampleRate;
            double s = Math.Sin(w), c = Math.Cos(w), v = y[i];
            ss += s * s;
            cc += c * c;
            sc += s * c;
            sy += s * v;
            cy += c * v;
            yy += v * v;
        }

        var det = (ss * cc) - (sc * sc);
        var a = ((sy * cc) - (cy * sc)) / det;
        var b = ((cy * ss) - (sy * sc)) / det;
        var fitted = (a * sy) + (b * cy);
        return (Math.Sqrt((a * a) + (b * b)), Math.Sqrt(Math.Max(0, yy - fitted) / (end - start)));
    }

    private static double Rms(float[] y)
    {
        int start = y.Length / 4, end = 3 * y.Length / 4;
        var sum = 0.0;
        for (var i = start; i < end; i++)
        {
            sum += (double)y[i] * y[i];
        }

        return Math.Sqrt(sum / (end - start));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
