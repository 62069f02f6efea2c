using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class MfccCalculatorTests
{
    [Test]
    public void Mfcc_Silence_IsMinus200DbInTheFirstCoefficientOnly()
    {
        var mfcc = RunOne("mfcc", Context(), Constant(2048, 0));

        Assert.Multiple(() =>
        {
            Assert.That(mfcc, Has.Length.EqualTo(13));
            Assert.That(mfcc[0], Is.EqualTo(-200 * Math.Sqrt(40)).Within(1e-3), "orthonormal DCT of forty -200 dB bands");
            Assert.That(mfcc.Skip(1), Has.All.EqualTo(0f).Within(1e-3));
        });
    }

    [TestCase(44100, 2048)]
    [TestCase(48000, 2048)]
    [TestCase(44100, 1024)]
    [TestCase(16000, 512)]
    public void Mfcc_NoiseAndTone_MatchEssentiaOracle(int sampleRate, int fftSize)
    {
        var context = Context(Parameters(fftSize, fftSize / 4, fftSize), sampleRate);
        var noise = Noise(fftSize, seed: 51);
        var tone = Add(Sine(fftSize, 1000, sampleRate: sampleRate), Noise(fftSize, seed: 52, amplitude: 0.001));

        Assert.Multiple(() =>
        {
            foreach (var signal in new[] { noise, tone })
            {
                var frame = Frames(signal, context)[0];
                var expected = OracleMfcc(frame.Power, sampleRate);
                Assert.That(frame.Compute(Computer(context)).Select(v => (double)v), Is.EqualTo(expected).Within(1e-3).AsCollection);
            }
        });
    }

    [Test]
    public void Mfcc_LouderSignal_ShiftsOnlyTheFirstCoefficient()
    {
        var context = Context();
        var quiet = Noise(2048, seed: 53, amplitude: 0.1);
        var loud = quiet.Select(x => x * 10).ToArray();

        var a = RunOne("mfcc", context, quiet);
        var b = RunOne("mfcc", context, loud);

        Assert.Multiple(() =>
        {
            Assert.That(b[0] - a[0], Is.EqualTo(40 * Math.Sqrt(40)).Within(1e-2), "power ×100 is +40 in every band (20·log10 of power, as Essentia's dbamp)");
            Assert.That(b.Skip(1), Is.EqualTo(a.Skip(1)).Within(1e-3).AsCollection);
        });
    }

    private static IDescriptorFrameComputer Computer(AnalysisContext context) =>
        BuiltInCalculators.All.Single(c => c.Id == "mfcc").CreateComputer(DescriptorId.Parse("mfcc"), context);

    // Essentia MFCC defaults, rewritten from MelBands/TriangularBands/DCT: 40 HTK-mel triangles (linear in mel) from 0 to
    // min(11 kHz, Nyquist) over every bin inside the triangle, ceil(f_b/Δf) ≤ j ≤ floor(f_{b+2}/Δf), unit sum, on power;
    // 20·log10(max(E, 1e-10)); orthonormal DCT-II; 13 coefficients.
    private static double[] OracleMfcc(double[] power, int sr)
    {
        static double Mel(double f) => 2595 * Math.Log10(1 + (f / 700));
        static double Hz(double m) => 700 * (Math.Pow(10, m / 2595) - 1);
        const int Bands = 40;
        var high = Math.Min(11000, sr / 2.0);
        var step = (Mel(high) - Mel(0)) / (Bands + 1);
        var f = Enumerable.Range(0, Bands + 2).Select(i => Hz(i * step)).ToArray();
        var df = (sr / 2.0) / (power.Length - 1);
        var logEnergies = new double[Bands];
        for (var b = 0; b < Bands; b++)
        {
            var weights = new double[power.Length];
            for (var j = (int)Math.Ceiling(f[b] / df); j <= Math.Min((int)Math.Floor(f[b + 2] / df), power.Length - 1); j++)
            {
                var hz = j * df;
                weights[j] = Math.Max(0, hz < f[b + 1]
                    ? (Mel(hz) - Mel(f[b])) / (Mel(f[b + 1]) - Mel(f[b]))
                    : (Mel(f[b + 2]) - Mel(hz)) / (Mel(f[b + 2]) - Mel(f[b + 1])));
            }

            var sum = weights.Sum();
            var energy = sum == 0 ? 0 : weights.Zip(power, (w, p) => w / sum * p).Sum();
            logEnergies[b] = 20 * Math.Log10(Math.Max(energy, 1e-10));
        }

        return [.. Enumerable.Range(0, 13).Select(i =>
            Math.Sqrt((i == 0 ? 1.0 : 2.0) / Bands) * Enumerable.Range(0, Bands).Sum(j => logEnergies[j] * Math.Cos(Math.PI * i * (j + 0.5) / Bands)))];
    }
}
