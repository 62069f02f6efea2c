using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class SpectrumCalculatorTests
{
    [Test]
    public void Spectrum_TwoSines_IsTheMagnitudeSpectrum()
    {
        var context = Context();
        var frame = Frames(Add(Sine(2048, 100 * BinWidth(context)), Sine(2048, 333 * BinWidth(context), 0.25)), context)[0];

        var values = frame.Compute(BuiltIn("spectrum", context));

        Assert.Multiple(() =>
        {
            Assert.That(values, Has.Length.EqualTo(1025));
            Assert.That(values.Select(v => (double)v), Is.EqualTo(frame.Magnitudes).Within(1e-6).AsCollection);
            Assert.That(values[100], Is.EqualTo(1.0).Within(1e-3));
            Assert.That(values[333], Is.EqualTo(0.25).Within(1e-3));
        });
    }

    [Test]
    public void SpectrumDb_Noise_Is20Log10MagnitudeClampedToProfileRange()
    {
        var parameters = Parameters() with { MinDecibels = -60, MaxDecibels = -10 };
        var context = Context(parameters);
        var frame = Frames(Add(Noise(2048, seed: 7, amplitude: 0.01), Sine(2048, 50 * BinWidth(context))), context)[0];
        var expected = frame.Magnitudes.Select(m => Math.Clamp(20 * Math.Log10(m), -60, -10)).ToArray();

        var values = frame.Compute(BuiltIn("spectrum.db", context));

        Assert.Multiple(() =>
        {
            Assert.That(values.Select(v => (double)v), Is.EqualTo(expected).Within(1e-4).AsCollection);
            Assert.That(values[50], Is.EqualTo(-10f), "a full-scale peak (0 dB) is clamped to MaxDecibels");
            Assert.That(values, Has.Some.EqualTo(-60f), "bins below MinDecibels are clamped to it");
        });
    }

    [Test]
    public void SpectrumDb_Silence_IsMinDecibels()
    {
        var context = Context(Parameters() with { MinDecibels = -120 });

        var values = RunOne("spectrum.db", context, Constant(2048, 0));

        Assert.That(values, Has.All.EqualTo(-120f));
    }

    private static Cache.Analysis.IDescriptorFrameComputer BuiltIn(string descriptor, Cache.Analysis.AnalysisContext context) =>
        Cache.Analysis.BuiltInCalculators.All.Single(c => c.Id == "spectrum").CreateComputer(AudioVis.Cache.Descriptors.DescriptorId.Parse(descriptor), context);
}
