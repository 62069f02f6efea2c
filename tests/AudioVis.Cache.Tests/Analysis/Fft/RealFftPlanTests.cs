using System.Numerics;
using AudioVis.Cache.Analysis.Fft;
using MathNet.Numerics.IntegralTransforms;

namespace AudioVis.Cache.Tests.Analysis.Fft;

[TestFixture]
public sealed class RealFftPlanTests
{
    private const double RelativeTolerance = 1e-5;

    private static readonly int[] Sizes = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    // Paths travel as names: public test methods cannot take the internal enum.
    private static IEnumerable<TestCaseData> SizesAndPaths()
    {
        foreach (var path in SupportedPaths())
        {
            foreach (var size in Sizes)
            {
                yield return new TestCaseData(size, path.ToString());
            }
        }
    }

    private static IEnumerable<TestCaseData> VectorPathsAndSizes()
    {
        foreach (var path in SupportedPaths().Where(p => p != FftKernelPath.Scalar))
        {
            foreach (var size in Sizes)
            {
                yield return new TestCaseData(size, path.ToString());
            }
        }
    }

    private static IEnumerable<FftKernelPath> SupportedPaths() =>
        Enum.GetValues<FftKernelPath>().Where(FftKernel.IsSupported);

    [TestCaseSource(nameof(SizesAndPaths))]
    public void Forward_RandomSignal_MatchesMathNetDoublePrecision(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var input = Signals.Random(size, seed: size);
        AssertMatchesOracle(size, path, input);
    }

    [TestCaseSource(nameof(SizesAndPaths))]
    public void Forward_KnownSignals_MatchMathNetDoublePrecision(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        Assert.Multiple(() =>
        {
            AssertMatchesOracle(size, path, Signals.Impulse(size, at: 0));
            AssertMatchesOracle(size, path, Signals.Impulse(size, at: 5));
            AssertMatchesOracle(size, path, Signals.Dc(size));
            AssertMatchesOracle(size, path, Signals.Cosine(size, bin: 3));
            AssertMatchesOracle(size, path, Signals.Cosine(size, bin: (size / 2) - 1));
            AssertMatchesOracle(size, path, Signals.Nyquist(size));
        });
    }

    [TestCase(1024)]
    public void Forward_Impulse_GivesFlatUnitSpectrum(int size)
    {
        var plan = new RealFftPlan(size);
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];

        plan.Forward(Signals.Impulse(size, at: 0), real, imaginary);

        Assert.Multiple(() =>
        {
            Assert.That(real, Is.All.EqualTo(1f).Within(1e-6f));
            Assert.That(imaginary, Is.All.EqualTo(0f).Within(1e-6f));
        });
    }

    [TestCase(2048, 100)]
    public void ForwardMagnitudes_SineAtBin_PeaksAtThatBinWithHalfSizeAmplitude(int size, int bin)
    {
        var plan = new RealFftPlan(size);
        var magnitudes = new float[plan.BinCount];
        var input = new float[size];
        for (var n = 0; n < size; n++)
        {
            input[n] = (float)Math.Sin(2.0 * Math.PI * bin * n / size);
        }

        plan.ForwardMagnitudes(input, magnitudes);

        Assert.Multiple(() =>
        {
            Assert.That(magnitudes[bin], Is.EqualTo(size / 2f).Within(1e-3f * size));
            Assert.That(magnitudes.Where((_, k) => k != bin).Max(), Is.LessThan(1e-3f * size));
        });
    }

    [TestCaseSource(nameof(SizesAndPaths))]
    public void ForwardMagnitudes_RandomSignal_EqualsModulusOfForward(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var plan = new RealFftPlan(size, path);
        var input = Signals.Random(size, seed: 7 * size);
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];
        var magnitudes = new float[plan.BinCount];

        plan.Forward(input, real, imaginary);
        plan.ForwardMagnitudes(input, magnitudes);

        var peak = magnitudes.Max();
        Assert.Multiple(() =>
        {
            for (var k = 0; k < plan.BinCount; k++)
            {
                var expected = Math.Sqrt((real[k] * (double)real[k]) + (imaginary[k] * (double)imaginary[k]));
                Assert.That(magnitudes[k], Is.EqualTo(expected).Within(peak * 1e-6), $"bin {k}");
            }
        });
    }

    [TestCaseSource(nameof(VectorPathsAndSizes))]
    public void Forward_VectorPath_IsBitIdenticalToScalar(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var scalar = new RealFftPlan(size, FftKernelPath.Scalar);
        var vector = new RealFftPlan(size, path);
        var input = Signals.Random(size, seed: 3 * size);
        var (scalarRe, scalarIm) = (new float[scalar.BinCount], new float[scalar.BinCount]);
        var (vectorRe, vectorIm) = (new float[vector.BinCount], new float[vector.BinCount]);
        var (scalarMag, vectorMag) = (new float[scalar.BinCount], new float[vector.BinCount]);

        scalar.Forward(input, scalarRe, scalarIm);
        vector.Forward(input, vectorRe, vectorIm);
        scalar.ForwardMagnitudes(input, scalarMag);
        vector.ForwardMagnitudes(input, vectorMag);

        Assert.Multiple(() =>
        {
            Assert.That(Bits(vectorRe), Is.EqualTo(Bits(scalarRe)));
            Assert.That(Bits(vectorIm), Is.EqualTo(Bits(scalarIm)));
            Assert.That(Bits(vectorMag), Is.EqualTo(Bits(scalarMag)));
        });
    }

    [TestCaseSource(nameof(SizesAndPaths))]
    public void Forward_RepeatedCalls_AreBitIdentical(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var plan = new RealFftPlan(size, path);
        var input = Signals.Random(size, seed: 11);
        var first = new float[plan.BinCount];
        var second = new float[plan.BinCount];
        var other = new float[plan.BinCount];

        plan.ForwardMagnitudes(input, first);
        plan.ForwardMagnitudes(Signals.Random(size, seed: 12), other);
        plan.ForwardMagnitudes(input, second);

        Assert.That(Bits(second), Is.EqualTo(Bits(first)));
    }

    [TestCaseSource(nameof(SizesAndPaths))]
    public void Inverse_OfForward_ReturnsInput(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var plan = new RealFftPlan(size, path);
        var input = Signals.Random(size, seed: 5 * size);
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];
        var output = new float[size];

        plan.Forward(input, real, imaginary);
        plan.Inverse(real, imaginary, output);

        Assert.That(output, Is.EqualTo(input).Within(1e-5f));
    }

    [TestCase(4096)]
    public void Inverse_OfKnownSpectrum_GivesCosine(int size)
    {
        var plan = new RealFftPlan(size);
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];
        real[4] = size / 2f;
        var output = new float[size];

        plan.Inverse(real, imaginary, output);

        var expected = Signals.Cosine(size, bin: 4);
        Assert.That(output, Is.EqualTo(expected).Within(1e-5f));
    }

    [TestCaseSource(nameof(SizesAndPaths))]
    public void ForwardMagnitudes_AfterWarmUp_AllocatesNothing(int size, string pathName)
    {
        var path = Enum.Parse<FftKernelPath>(pathName);
        var plan = new RealFftPlan(size, path);
        var input = Signals.Random(size, seed: 1);
        var magnitudes = new float[plan.BinCount];
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];
        var output = new float[size];
        plan.ForwardMagnitudes(input, magnitudes);
        plan.Forward(input, real, imaginary);
        plan.Inverse(real, imaginary, output);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            plan.ForwardMagnitudes(input, magnitudes);
            plan.Forward(input, real, imaginary);
            plan.Inverse(real, imaginary, output);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(-64)]
    [TestCase(32)]
    [TestCase(63)]
    [TestCase(100)]
    [TestCase(1000)]
    [TestCase(32768)]
    [TestCase(16385)]
    public void Constructor_UnsupportedSize_ThrowsArgumentOutOfRangeNamingValue(int size)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RealFftPlan(size));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.ParamName, Is.EqualTo("size"));
            Assert.That(exception.ActualValue, Is.EqualTo(size));
            Assert.That(exception.Message, Does.Contain($"got {size}"));
        });
    }

    [TestCase(64)]
    [TestCase(16384)]
    public void Constructor_SupportedSize_ExposesSizeAndBinCount(int size)
    {
        var plan = new RealFftPlan(size);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Size, Is.EqualTo(size));
            Assert.That(plan.BinCount, Is.EqualTo((size / 2) + 1));
            Assert.That(plan.Path, Is.EqualTo(FftKernel.DetectPath()));
        });
    }

    [Test]
    public void Forward_WrongSpanLengths_ThrowArgumentExceptionNamingLengths()
    {
        var plan = new RealFftPlan(256);
        var good = new float[plan.BinCount];

        Assert.Multiple(() =>
        {
            var input = Assert.Throws<ArgumentException>(() => plan.Forward(new float[255], good, new float[plan.BinCount]));
            Assert.That(input!.ParamName, Is.EqualTo("input"));
            Assert.That(input.Message, Does.Contain("255").And.Contain("256"));

            var real = Assert.Throws<ArgumentException>(() => plan.Forward(new float[256], new float[128], good));
            Assert.That(real!.ParamName, Is.EqualTo("real"));
            Assert.That(real.Message, Does.Contain("128").And.Contain("129"));

            var imaginary = Assert.Throws<ArgumentException>(() => plan.Forward(new float[256], good, new float[130]));
            Assert.That(imaginary!.ParamName, Is.EqualTo("imaginary"));

            var magnitudes = Assert.Throws<ArgumentException>(() => plan.ForwardMagnitudes(new float[256], new float[128]));
            Assert.That(magnitudes!.ParamName, Is.EqualTo("magnitudes"));

            var output = Assert.Throws<ArgumentException>(() => plan.Inverse(good, new float[plan.BinCount], new float[257]));
            Assert.That(output!.ParamName, Is.EqualTo("output"));
            Assert.That(output.Message, Does.Contain("257").And.Contain("256"));
        });
    }

    private static void AssertMatchesOracle(int size, FftKernelPath path, float[] input)
    {
        var plan = new RealFftPlan(size, path);
        var real = new float[plan.BinCount];
        var imaginary = new float[plan.BinCount];
        var magnitudes = new float[plan.BinCount];
        plan.Forward(input, real, imaginary);
        plan.ForwardMagnitudes(input, magnitudes);

        var expected = input.Select(x => new Complex(x, 0)).ToArray();
        Fourier.Forward(expected, FourierOptions.Matlab);
        var peak = expected.Take(plan.BinCount).Max(c => c.Magnitude);
        var tolerance = RelativeTolerance * Math.Max(peak, 1.0);

        var maxComplexError = 0.0;
        var maxMagnitudeError = 0.0;
        for (var k = 0; k < plan.BinCount; k++)
        {
            maxComplexError = Math.Max(maxComplexError, (new Complex(real[k], imaginary[k]) - expected[k]).Magnitude);
            maxMagnitudeError = Math.Max(maxMagnitudeError, Math.Abs(magnitudes[k] - expected[k].Magnitude));
        }

        Assert.That(maxComplexError, Is.EqualTo(0.0).Within(tolerance), $"complex error, N={size}, {path}");
        Assert.That(maxMagnitudeError, Is.EqualTo(0.0).Within(tolerance), $"magnitude error, N={size}, {path}");
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
