using AudioVis.Cache.Analysis;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class AnalysisFrameTests
{
    [Test]
    public void Constructor_Spans_AreExposedUnchanged()
    {
        float[] samples = [1, 2, 3, 4];
        float[] magnitudes = [5, 6, 7];
        float[] power = [25, 36, 49];
        float[] logPower = [3.2f, 3.6f, 3.9f];

        var frame = new AnalysisFrame(3, samples, samples.AsSpan(0, 2), magnitudes, power, logPower);
        var (index, s, h, m, p, l) = (frame.Index, frame.Samples.ToArray(), frame.HopSamples.ToArray(), frame.Magnitudes.ToArray(), frame.Power.ToArray(), frame.LogPower.ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(index, Is.EqualTo(3));
            Assert.That(s, Is.EqualTo(samples).AsCollection);
            Assert.That(h, Is.EqualTo(new float[] { 1, 2 }).AsCollection);
            Assert.That(m, Is.EqualTo(magnitudes).AsCollection);
            Assert.That(p, Is.EqualTo(power).AsCollection);
            Assert.That(l, Is.EqualTo(logPower).AsCollection);
        });
    }

    [Test]
    public void Constructor_NegativeIndex_Throws()
    {
        Assert.That(() => new AnalysisFrame(-1, [], [], [], [], []), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_LogPowerOfOtherLength_ThrowsNamingBothLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new AnalysisFrame(0, [], [], [1, 2], [1, 4], [0]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("logPower"));
            Assert.That(ex.Message, Does.StartWith("logPower has 1 values; power has 2."));
        });
    }

    [Test]
    public void LogPower_OfThePipelinesFrame_IsComputedOnceFromThePowerWithTheFloor()
    {
        float[] power = [1f, (float)Math.E, 0f, 1e-30f];
        var buffer = new LogPowerBuffer(power.Length);
        buffer.Invalidate();

        var first = new AnalysisFrame(0, [], [], [], power, buffer).LogPower.ToArray();
        power[0] = 100f;
        var cached = new AnalysisFrame(0, [], [], [], power, buffer).LogPower.ToArray();
        buffer.Invalidate();
        var recomputed = new AnalysisFrame(1, [], [], [], power, buffer).LogPower.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(first[0], Is.EqualTo(0f));
            Assert.That(first[1], Is.EqualTo(1f).Within(1e-6f));
            Assert.That(first[2], Is.EqualTo(MathF.Log(AnalysisFrame.LogPowerFloor)).Within(1e-4f), "0 is floored at the smallest normal float");
            Assert.That(first[3], Is.EqualTo(MathF.Log(1e-30f)).Within(1e-4f));
            Assert.That(cached, Is.EqualTo(first).AsCollection, "not recomputed until the pipeline invalidates it");
            Assert.That(recomputed[0], Is.EqualTo(MathF.Log(100f)).Within(1e-5f));
        });
    }
}
