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

        var frame = new AnalysisFrame(3, samples, samples.AsSpan(0, 2), magnitudes, power);
        var (index, s, h, m, p) = (frame.Index, frame.Samples.ToArray(), frame.HopSamples.ToArray(), frame.Magnitudes.ToArray(), frame.Power.ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(index, Is.EqualTo(3));
            Assert.That(s, Is.EqualTo(samples).AsCollection);
            Assert.That(h, Is.EqualTo(new float[] { 1, 2 }).AsCollection);
            Assert.That(m, Is.EqualTo(magnitudes).AsCollection);
            Assert.That(p, Is.EqualTo(power).AsCollection);
        });
    }

    [Test]
    public void Constructor_NegativeIndex_Throws()
    {
        Assert.That(() => new AnalysisFrame(-1, [], [], [], []), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
