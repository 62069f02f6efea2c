using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using CsCheck;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class ChromaCalculatorTests
{
    [TestCase(440.0, 9, TestName = "Chroma_A4_PeaksAtBin9")]
    [TestCase(261.6256, 0, TestName = "Chroma_C4_PeaksAtBin0")]
    [TestCase(523.2511, 0, TestName = "Chroma_C5_PeaksAtBin0")]
    [TestCase(369.9944, 6, TestName = "Chroma_FSharp4_PeaksAtBin6")]
    [TestCase(1975.533, 11, TestName = "Chroma_B6_PeaksAtBin11")]
    public void Chroma_Sine_PeaksAtItsPitchClass(double frequency, int pitchClass)
    {
        var context = Context(Parameters(window: 4096, hop: 1024, fft: 8192));

        var chroma = RunOne("chroma", context, Sine(4096, frequency));

        Assert.Multiple(() =>
        {
            Assert.That(chroma, Has.Length.EqualTo(12));
            Assert.That(Array.IndexOf(chroma, chroma.Max()), Is.EqualTo(pitchClass));
            Assert.That(chroma.Max(), Is.EqualTo(1f));
        });
    }

    [Test]
    public void Chroma_NoiseAndChord_MatchLibrosaFilterbankOracle()
    {
        var context = Context();
        var chord = Add(Add(Sine(2048, 261.63), Sine(2048, 329.63, 0.7)), Add(Sine(2048, 392.0, 0.5), Noise(2048, seed: 3, amplitude: 0.01)));

        Assert.Multiple(() =>
        {
            foreach (var signal in new[] { Noise(2048, seed: 41), chord })
            {
                var frame = Frames(signal, context)[0];
                var expected = OracleChroma(frame.Power, SampleRate, 2048);
                Assert.That(frame.Compute(Computer(context)).Select(v => (double)v), Is.EqualTo(expected).Within(1e-5).AsCollection);
            }
        });
    }

    [Test]
    public void Chroma_Silence_IsAllZeros()
    {
        Assert.That(RunOne("chroma", Context(), Constant(2048, 0)), Has.All.EqualTo(0f));
    }

    [Test]
    public void Chroma_RandomFrames_IsInZeroToOneWithMaxOne()
    {
        var context = Context(Parameters(256, 64, 256));
        var window = HannWindow(256);
        Gen.Float[-1f, 1f].Array[256].Sample(samples =>
        {
            var frame = new TestFrame(0, samples, samples[..64], Magnitudes(samples, window, 256));
            var chroma = frame.Compute(Computer(context));
            return chroma.All(v => v is >= 0 and <= 1) && (chroma.Max() == 1f || chroma.All(v => v == 0));
        });
    }

    private static IDescriptorFrameComputer Computer(AnalysisContext context) =>
        BuiltInCalculators.All.Single(c => c.Id == "chroma").CreateComputer(DescriptorId.Parse("chroma"), context);

    // librosa.filters.chroma(sr, n_fft, tuning=0, ctroct=5, octwidth=2, norm=2, base_c=True), step by step as in numpy,
    // then chroma_stft's inf-norm per frame.
    private static double[] OracleChroma(double[] power, int sr, int nFft)
    {
        const int NChroma = 12;
        var frequencies = Enumerable.Range(1, nFft - 1).Select(k => (double)k * sr / nFft);
        var octs = frequencies.Select(f => Math.Log(f / (440.0 / 16)) / Math.Log(2));
        var frqbins = new List<double>(octs.Select(o => NChroma * o));
        frqbins.Insert(0, frqbins[0] - (1.5 * NChroma));
        var binwidthbins = new double[nFft];
        for (var k = 0; k < nFft - 1; k++)
        {
            binwidthbins[k] = Math.Max(frqbins[k + 1] - frqbins[k], 1.0);
        }

        binwidthbins[nFft - 1] = 1;
        var wts = new double[NChroma, nFft];
        for (var c = 0; c < NChroma; c++)
        {
            for (var k = 0; k < nFft; k++)
            {
                var d = frqbins[k] - c + 6 + (10 * NChroma);
                d = d - (NChroma * Math.Floor(d / NChroma)) - 6;
                wts[c, k] = Math.Exp(-0.5 * Math.Pow(2 * d / binwidthbins[k], 2));
            }
        }

        for (var k = 0; k < nFft; k++)
        {
            var norm = Math.Sqrt(Enumerable.Range(0, NChroma).Sum(c => wts[c, k] * wts[c, k]));
            var scale = Math.Exp(-0.5 * Math.Pow(((frqbins[k] / NChroma) - 5) / 2, 2));
            for (var c = 0; c < NChroma; c++)
            {
                wts[c, k] = wts[c, k] / norm * scale;
            }
        }

        // np.roll(wts, -3, axis=0): output row r is input row r + 3.
        var chroma = new double[NChroma];
        for (var r = 0; r < NChroma; r++)
        {
            for (var k = 0; k < power.Length; k++)
            {
                chroma[r] += wts[(r + 3) % NChroma, k] * power[k];
            }
        }

        var max = chroma.Max();
        return [.. chroma.Select(v => v / max)];
    }
}
