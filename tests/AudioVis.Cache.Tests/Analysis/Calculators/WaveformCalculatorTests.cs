using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class WaveformCalculatorTests
{
    [Test]
    public void MinMax_Frames_AreMinAndMaxOfEachHopOnly()
    {
        var context = Context(Parameters(window: 1024, hop: 256, fft: 1024));
        var signal = Noise(4096, seed: 11);
        signal[300] = -0.99; // in hop 1 only (frame 0's window also covers it, its hop does not)
        signal[600] = 0.97; // in hop 2

        var rows = Run("waveform.minmax", context, Frames(signal, context));

        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Length.EqualTo(13));
            for (var k = 0; k < rows.Length; k++)
            {
                var hop = signal.Skip(k * 256).Take(256).Select(v => (float)v).ToArray();
                Assert.That(rows[k], Is.EqualTo(new[] { hop.Min(), hop.Max() }).AsCollection, $"frame {k}");
            }

            Assert.That(rows[0][0], Is.GreaterThan(-0.99f));
            Assert.That(rows[1][0], Is.EqualTo(-0.99f));
            Assert.That(rows[2][1], Is.EqualTo(0.97f));
        });
    }

    [Test]
    public void MinMax_Silence_IsZeroZero()
    {
        Assert.That(RunOne("waveform.minmax", Context(), Constant(2048, 0)), Is.EqualTo(new[] { 0f, 0f }).AsCollection);
    }
}
