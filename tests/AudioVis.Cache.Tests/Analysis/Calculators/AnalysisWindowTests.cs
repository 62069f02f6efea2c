using System.Numerics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Profiles;
using MathNet.Numerics.IntegralTransforms;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class AnalysisWindowTests
{
    private static readonly WindowFunction[] Functions = Enum.GetValues<WindowFunction>();

    [TestCaseSource(nameof(Functions))]
    public void Create_AnyFunction_SumsToTwoAndIsSymmetric(WindowFunction function)
    {
        var window = AnalysisWindow.Create(function, 1001);

        Assert.Multiple(() =>
        {
            Assert.That(window.Sum(w => (double)w), Is.EqualTo(2.0).Within(1e-5));
            Assert.That(window, Is.EqualTo(window.Reverse()).AsCollection);
            Assert.That(window, Has.All.GreaterThanOrEqualTo(0f));
        });
    }

    [TestCase(WindowFunction.Hann, 0.5, 0.5, 0.0)]
    [TestCase(WindowFunction.Hamming, 0.53836, 0.46164, 0.0)]
    [TestCase(WindowFunction.Blackman, 0.42, 0.5, 0.08)]
    [TestCase(WindowFunction.Rectangular, 1.0, 0.0, 0.0)]
    public void Create_AnyFunction_MatchesEssentiaCosineSum(WindowFunction function, double a0, double a1, double a2)
    {
        const int Size = 512;
        var expected = new double[Size];
        for (var n = 0; n < Size; n++)
        {
            var phase = 2 * Math.PI * n / (Size - 1);
            expected[n] = Math.Max(a0 - (a1 * Math.Cos(phase)) + (a2 * Math.Cos(2 * phase)), 0);
        }

        var sum = expected.Sum();

        var window = AnalysisWindow.Create(function, Size);

        Assert.That(window.Select(w => (double)w), Is.EqualTo(expected.Select(e => e * 2 / sum)).Within(1e-7).AsCollection);
    }

    [TestCaseSource(nameof(Functions))]
    public void Create_FullScaleSineAtExactBin_PeakMagnitudeEqualsAmplitude(WindowFunction function)
    {
        const int Size = 2048;
        const int Bin = 100;
        const double Amplitude = 0.75;
        var window = AnalysisWindow.Create(function, Size);
        var buffer = new Complex[Size];
        for (var n = 0; n < Size; n++)
        {
            buffer[n] = Amplitude * Math.Sin(2 * Math.PI * Bin * n / Size) * window[n];
        }

        Fourier.Forward(buffer, FourierOptions.Matlab);
        var magnitudes = buffer.Take((Size / 2) + 1).Select(c => c.Magnitude).ToArray();
        var peakBin = Array.IndexOf(magnitudes, magnitudes.Max());

        Assert.Multiple(() =>
        {
            Assert.That(peakBin, Is.EqualTo(Bin));
            Assert.That(magnitudes[Bin], Is.EqualTo(Amplitude).Within(1e-3 * Amplitude));
        });
    }

    [Test]
    public void Create_SizeTwoHann_IsAllZerosInsteadOfNaN()
    {
        var window = AnalysisWindow.Create(WindowFunction.Hann, 2);

        Assert.That(window, Is.EqualTo(new[] { 0f, 0f }).AsCollection);
    }

    [Test]
    public void Create_SizeBelowTwo_Throws()
    {
        Assert.That(() => AnalysisWindow.Create(WindowFunction.Hann, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
