using AudioVis.Cache.Analysis;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class AnalysisContextTests
{
    [Test]
    public void Constructor_ValidInput_DerivesBinsAndFrequencies()
    {
        var context = new AnalysisContext(44100, new AnalysisParameters { WindowSize = 1024, HopSize = 256, FftSize = 4096 });

        Assert.Multiple(() =>
        {
            Assert.That(context.SampleRate, Is.EqualTo(44100));
            Assert.That(context.BinCount, Is.EqualTo(2049));
            Assert.That(context.BinWidthHz, Is.EqualTo(44100.0 / 4096));
            Assert.That(context.NyquistHz, Is.EqualTo(22050.0));
            Assert.That(context.Parameters.WindowSize, Is.EqualTo(1024));
        });
    }

    [TestCase(0)]
    [TestCase(-44100)]
    [TestCase(384001)]
    public void Constructor_SampleRateOutOfRange_ThrowsNamingTheValue(int sampleRate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AnalysisContext(sampleRate, AnalysisParameters.Default));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("sampleRate"));
            Assert.That(ex.Message, Does.Contain($"Sample rate {sampleRate} Hz must be from 1 to 384000 Hz."));
        });
    }

    [Test]
    public void Constructor_InvalidParameters_ThrowsTypedErrorNamingTheValue()
    {
        var parameters = AnalysisParameters.Default with { FftSize = 1000 };

        var ex = Assert.Throws<InvalidAnalysisParametersException>(() => _ = new AnalysisContext(48000, parameters));

        Assert.That(ex.Errors, Has.Some.Contains("FftSize 1000"));
    }

    [Test]
    public void Constructor_SampleRateDiffersFromTarget_ThrowsNamingBothRates()
    {
        var parameters = AnalysisParameters.Default with { TargetSampleRate = 22050 };

        var ex = Assert.Throws<ArgumentException>(() => _ = new AnalysisContext(44100, parameters));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("sampleRate"));
            Assert.That(ex.Message, Does.Contain("44100 Hz").And.Contain("TargetSampleRate 22050 Hz"));
        });
    }

    [Test]
    public void Constructor_NullParameters_Throws()
    {
        Assert.That(() => new AnalysisContext(48000, null!), Throws.ArgumentNullException);
    }
}
