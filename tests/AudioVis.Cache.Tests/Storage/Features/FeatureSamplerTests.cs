using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureSamplerTests
{
    // 8 Hz, hop 2, window 4: frame k is centred at (2k + 2) / 8 = 0.25 + 0.25·k seconds; every time below is exact in binary.
    private const int SampleRate = 8;
    private const int Hop = 2;
    private const int Window = 4;

    private static readonly FeatureSamplingOptions Nearest = new() { Interpolation = FeatureInterpolation.Nearest };

    [Test]
    public void Header_GetFrameTime_IsTheWindowCentre()
    {
        var header = Ramp(5).Header;

        Assert.That(Enumerable.Range(0, 5).Select(header.GetFrameTime), Is.EqualTo(new[] { 0.25, 0.5, 0.75, 1.0, 1.25 }));
    }

    [TestCase(0.25, 0f)]
    [TestCase(0.5, 1f)]
    [TestCase(1.25, 4f)]
    [TestCase(0.375, 0.5f)]
    [TestCase(0.3125, 0.25f)]
    [TestCase(1.1875, 3.75f)]
    public void Sample_LinearOnRamp_IsExact(double seconds, float expected)
    {
        var sampler = new FeatureSampler(Ramp(5));

        Assert.That(sampler.Sample(seconds), Is.EqualTo(expected));
    }

    [TestCase(0.25, 0f)]
    [TestCase(0.3, 0f)]
    [TestCase(0.37, 0f)]
    [TestCase(0.375, 1f)] // exactly half-way: the later frame
    [TestCase(0.4, 1f)]
    [TestCase(1.24, 4f)]
    public void Sample_NearestOnRamp_PicksTheNearestFrame(double seconds, float expected)
    {
        var sampler = new FeatureSampler(Ramp(5), Nearest);

        Assert.That(sampler.Sample(seconds), Is.EqualTo(expected));
    }

    [TestCase(0.0, 0f)]
    [TestCase(0.2, 0f)]
    [TestCase(1.3, 4f)]
    [TestCase(3600.0, 4f)]
    [TestCase(1e300, 4f)]
    [TestCase(double.MaxValue, 4f)]
    public void Sample_OutsideTheFrames_ClampsToTheEdgeFrame(double seconds, float expected)
    {
        var linear = new FeatureSampler(Ramp(5));
        var nearest = new FeatureSampler(Ramp(5), Nearest);

        Assert.That(linear.Sample(seconds), Is.EqualTo(expected));
        Assert.That(nearest.Sample(seconds), Is.EqualTo(expected));
    }

    [Test]
    public void Sample_SingleFrame_ReturnsItAtEveryTime()
    {
        var sampler = new FeatureSampler(new FeatureBlob(Header(sampleRate: SampleRate, hopSize: Hop, windowSize: Window, frameCount: 1, valuesPerFrame: 1), [7f]));

        Assert.That(new[] { 0.0, 0.25, 0.3, 99.0 }.Select(t => sampler.Sample(t)), Is.All.EqualTo(7f));
    }

    [TestCase(double.NaN)]
    [TestCase(-0.001)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(double.PositiveInfinity)]
    public void Sample_BadTime_ThrowsNamingTheValue(double seconds)
    {
        var sampler = new FeatureSampler(Ramp(5));
        var text = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var destination = new float[1];

        Assert.That(() => sampler.Sample(seconds), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("seconds").And.Message.Contains(text));
        Assert.That(() => sampler.Sample(seconds, destination.AsSpan()), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("seconds"));
    }

    [Test]
    public void Sample_MultiValueFrames_InterpolatesEveryValue()
    {
        // Frame k = [k, 10k, −k].
        var values = Enumerable.Range(0, 4).SelectMany(k => new[] { k, 10f * k, -k }).ToArray();
        var sampler = new FeatureSampler(new FeatureBlob(Header(sampleRate: SampleRate, hopSize: Hop, windowSize: Window, frameCount: 4, valuesPerFrame: 3), values));
        var destination = new float[5];
        Array.Fill(destination, 99f);

        sampler.Sample(0.625, destination); // half-way between frames 1 and 2

        using (Assert.EnterMultipleScope())
        {
            Assert.That(destination, Is.EqualTo(new[] { 1.5f, 15f, -1.5f, 99f, 99f }));
            Assert.That(sampler.Sample(0.625, 1), Is.EqualTo(15f));
            Assert.That(sampler.Sample(0.625, 2), Is.EqualTo(-1.5f));
            Assert.That(sampler.ValuesPerFrame, Is.EqualTo(3));
        }
    }

    [Test]
    public void Sample_NearestMultiValue_CopiesTheFrame()
    {
        var values = Enumerable.Range(0, 4).SelectMany(k => new[] { k, 10f * k }).ToArray();
        var sampler = new FeatureSampler(new FeatureBlob(Header(sampleRate: SampleRate, hopSize: Hop, windowSize: Window, frameCount: 4, valuesPerFrame: 2), values), Nearest);
        var destination = new float[2];

        sampler.Sample(0.7, destination);

        Assert.That(destination, Is.EqualTo(new[] { 2f, 20f }));
    }

    [Test]
    public void Sample_BadValueIndexOrShortDestination_Throws()
    {
        var sampler = new FeatureSampler(new FeatureBlob(Header(frameCount: 2, valuesPerFrame: 3), new float[6]));

        Assert.That(() => sampler.Sample(0, 3), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("valueIndex").And.Message.Contains("3"));
        Assert.That(() => sampler.Sample(0, -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("valueIndex"));
        Assert.That(() => sampler.Sample(0, new float[2].AsSpan()), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination").And.Message.Contains("holds 2"));
    }

    [Test]
    public void Constructor_BlobWithoutFrames_Throws()
    {
        var blob = new FeatureBlob(Header(frameCount: 0), []);

        Assert.That(() => new FeatureSampler(blob), Throws.ArgumentException.With.Property("ParamName").EqualTo("blob").And.Message.Contains("no frames"));
    }

    [Test]
    public void MovingAverage_OnStep_GivesTheDocumentedRamp()
    {
        var sampler = new FeatureSampler(Series(0, 0, 0, 1, 1, 1), new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(3) });

        Assert.That(FrameValues(sampler, 6), Is.EqualTo(new[] { 0f, 0f, 1f / 3, 2f / 3, 1f, 1f }));
    }

    [Test]
    public void MovingAverage_AtTheEdges_AveragesOnlyExistingFrames()
    {
        var sampler = new FeatureSampler(Series(3, 0, 0, 0, 0, 6), new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(5) });

        // Windows: [0,2], [0,3], [0,4], [1,5], [2,5], [3,5].
        Assert.That(FrameValues(sampler, 6), Is.EqualTo(new[] { 1f, 0.75f, 0.6f, 1.2f, 1.5f, 2f }));
    }

    [Test]
    public void MovingAverage_OfOneFrame_LeavesValuesUnchanged()
    {
        var sampler = new FeatureSampler(Series(3, 1, 4, 1, 5), new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(1) });

        Assert.That(FrameValues(sampler, 5), Is.EqualTo(new[] { 3f, 1f, 4f, 1f, 5f }));
    }

    [Test]
    public void Exponential_OnStep_ApproachesTheStepGeometrically()
    {
        // hop / sampleRate = 0.25 s; τ = 0.25 s / ln 2 makes α = 1 − e^(−ln 2) = 0.5.
        var smoothing = FeatureSmoothing.Exponential(TimeSpan.FromSeconds(0.25 / Math.Log(2)));
        var sampler = new FeatureSampler(Series(0, 0, 1, 1, 1, 1), new FeatureSamplingOptions { Smoothing = smoothing });

        Assert.That(FrameValues(sampler, 6), Is.EqualTo(new[] { 0f, 0f, 0.5f, 0.75f, 0.875f, 0.9375f }).Within(1e-6));
    }

    [Test]
    public void Exponential_StartsAtTheFirstValue()
    {
        var sampler = new FeatureSampler(Series(2, 2, 2), new FeatureSamplingOptions { Smoothing = FeatureSmoothing.Exponential(TimeSpan.FromSeconds(10)) });

        Assert.That(FrameValues(sampler, 3), Is.EqualTo(new[] { 2f, 2f, 2f }));
    }

    [Test]
    public void Smoothing_OfMultiValueFrames_IsPerValue()
    {
        // Value 0 steps up, value 1 is constant: smoothing must not mix them.
        float[] values = [0, 5, 0, 5, 3, 5, 3, 5];
        var sampler = new FeatureSampler(
            new FeatureBlob(Header(sampleRate: SampleRate, hopSize: Hop, windowSize: Window, frameCount: 4, valuesPerFrame: 2), values),
            new FeatureSamplingOptions { Interpolation = FeatureInterpolation.Nearest, Smoothing = FeatureSmoothing.MovingAverage(3) });
        var frame = new float[2];

        sampler.Sample(0.5, frame);

        Assert.That(frame, Is.EqualTo(new[] { 1f, 5f }));
    }

    [Test]
    public void Smoothing_DoesNotChangeTheBlob()
    {
        var blob = Series(0, 0, 9, 0, 0);
        var before = Bits(blob);

        _ = new FeatureSampler(blob, new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(3) });
        _ = new FeatureSampler(blob, new FeatureSamplingOptions { Smoothing = FeatureSmoothing.Exponential(TimeSpan.FromSeconds(1)) });

        Assert.That(Bits(blob), Is.EqualTo(before));
    }

    [Test]
    public void Options_InvalidValues_ThrowNamingThem()
    {
        Assert.That(() => FeatureSmoothing.MovingAverage(4), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("frames").And.Message.Contains("4"));
        Assert.That(() => FeatureSmoothing.MovingAverage(0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("frames"));
        Assert.That(() => FeatureSmoothing.Exponential(TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeConstant"));
        Assert.That(() => new FeatureSamplingOptions { Interpolation = (FeatureInterpolation)7 }, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Interpolation"));
        Assert.That(() => new FeatureSamplingOptions { Smoothing = null! }, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("Smoothing"));
    }

    [Test]
    public void Options_Defaults_AreLinearWithoutSmoothing()
    {
        var options = new FeatureSamplingOptions();

        Assert.That(options.Interpolation, Is.EqualTo(FeatureInterpolation.Linear));
        Assert.That(options.Smoothing, Is.SameAs(FeatureSmoothing.None));
        Assert.That(new FeatureSampler(Ramp(2)).Options, Is.EqualTo(FeatureSamplingOptions.Default));
    }

    [Test]
    public void Sample_AfterWarmUp_AllocatesNothing()
    {
        var blob = new FeatureBlob(Header(frameCount: 200, valuesPerFrame: 32), Enumerable.Range(0, 6400).Select(i => (float)i).ToArray());
        FeatureSampler[] samplers =
        [
            new(blob),
            new(blob, Nearest),
            new(blob, new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(5) }),
            new(blob, new FeatureSamplingOptions { Smoothing = FeatureSmoothing.Exponential(TimeSpan.FromMilliseconds(50)) }),
        ];
        Span<float> bands = stackalloc float[32];
        var sink = 0f;
        Run(samplers, bands, ref sink);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(samplers, bands, ref sink);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(float.IsFinite(sink), Is.True);

        static void Run(FeatureSampler[] samplers, Span<float> bands, ref float sink)
        {
            foreach (var sampler in samplers)
            {
                for (var i = 0; i < 1000; i++)
                {
                    var seconds = i * 0.003;
                    sink += sampler.Sample(seconds) + sampler.Sample(seconds, i % 32);
                    sampler.Sample(seconds, bands);
                    sink += bands[i % 32];
                }
            }
        }
    }

    private static FeatureBlob Ramp(int frames) => Series([.. Enumerable.Range(0, frames).Select(k => (float)k)]);

    private static FeatureBlob Series(params float[] values) =>
        new(Header(descriptor: "rms", sampleRate: SampleRate, hopSize: Hop, windowSize: Window, frameCount: values.Length, valuesPerFrame: 1), values);

    /// <summary>The sampled value at each frame's own time, where interpolation adds nothing.</summary>
    private static float[] FrameValues(FeatureSampler sampler, int frames) =>
        [.. Enumerable.Range(0, frames).Select(k => sampler.Sample(sampler.Header.GetFrameTime(k)))];
}
