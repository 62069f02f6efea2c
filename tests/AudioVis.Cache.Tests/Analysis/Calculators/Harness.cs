using System.Numerics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using MathNet.Numerics.IntegralTransforms;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

/// <summary>
/// Test signals, and an independent double-precision front end (Essentia Hann window with sum 2, MathNet FFT) that
/// turns them into the frames the pipeline would hand to the computers.
/// </summary>
internal static class Harness
{
    public const int SampleRate = 48000;

    public static AnalysisParameters Parameters(int window = 2048, int hop = 512, int fft = 2048) =>
        new() { WindowSize = window, HopSize = hop, FftSize = fft };

    public static AnalysisContext Context(AnalysisParameters? parameters = null, int sampleRate = SampleRate) =>
        new(sampleRate, parameters ?? Parameters());

    public static double BinWidth(AnalysisContext context) => (double)context.SampleRate / context.Parameters.FftSize;

    public static double[] Sine(int length, double frequency, double amplitude = 1.0, double phase = 0.0, int sampleRate = SampleRate)
    {
        var x = new double[length];
        for (var n = 0; n < length; n++)
        {
            x[n] = amplitude * Math.Sin((2 * Math.PI * frequency * n / sampleRate) + phase);
        }

        return x;
    }

    public static double[] Add(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x + y)];

    public static double[] Constant(int length, double value) => Enumerable.Repeat(value, length).ToArray();

    public static double[] Impulse(int length, int at, double amplitude = 1.0)
    {
        var x = new double[length];
        x[at] = amplitude;
        return x;
    }

    /// <summary>Uniform noise in [-amplitude, amplitude) from a seeded generator (System.Random with a seed is stable).</summary>
    public static double[] Noise(int length, int seed, double amplitude = 0.5)
    {
        var random = new Random(seed);
        var x = new double[length];
        for (var n = 0; n < length; n++)
        {
            x[n] = amplitude * ((2 * random.NextDouble()) - 1);
        }

        return x;
    }

    /// <summary>Essentia's Hann window: 0.5 − 0.5·cos(2πn/(N−1)), scaled so the sum is 2.</summary>
    public static double[] HannWindow(int size)
    {
        var w = new double[size];
        for (var n = 0; n < size; n++)
        {
            w[n] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / (size - 1)));
        }

        var sum = w.Sum();
        return [.. w.Select(v => v * 2 / sum)];
    }

    /// <summary>|X| in double of x (rounded to float, as the pipeline holds it) windowed by <paramref name="window"/>, zero-padded to <paramref name="fftSize"/>.</summary>
    public static double[] Magnitudes(ReadOnlySpan<float> frame, double[] window, int fftSize)
    {
        var buffer = new Complex[fftSize];
        for (var n = 0; n < frame.Length; n++)
        {
            buffer[n] = new Complex(frame[n] * window[n], 0);
        }

        Fourier.Forward(buffer, FourierOptions.Matlab);
        var magnitudes = new double[(fftSize / 2) + 1];
        for (var i = 0; i < magnitudes.Length; i++)
        {
            magnitudes[i] = buffer[i].Magnitude;
        }

        return magnitudes;
    }

    /// <summary>Frames of a signal as the pipeline would build them (Hann window), with their double-precision spectra.</summary>
    public static List<TestFrame> Frames(double[] signal, AnalysisContext context)
    {
        var p = context.Parameters;
        var window = HannWindow(p.WindowSize);
        var frames = new List<TestFrame>();
        for (var k = 0; (k * p.HopSize) + p.WindowSize <= signal.Length; k++)
        {
            var samples = signal.AsSpan(k * p.HopSize, p.WindowSize).ToArray().Select(v => (float)v).ToArray();
            var magnitudes = Magnitudes(samples, window, p.FftSize);
            frames.Add(new TestFrame(k, samples, samples[..p.HopSize], magnitudes));
        }

        return frames;
    }

    /// <summary>Runs a fresh computer of <paramref name="descriptor"/> over the frames; one row of values per frame.</summary>
    public static float[][] Run(string descriptor, AnalysisContext context, IEnumerable<TestFrame> frames)
    {
        var id = DescriptorId.Parse(descriptor);
        var calculator = BuiltInCalculators.All.Single(c => c.Definitions.Any(d => d.Matches(id.Name)));
        var computer = calculator.CreateComputer(id, context);
        return [.. frames.Select(f => f.Compute(computer))];
    }

    public static float[] RunOne(string descriptor, AnalysisContext context, double[] frameSignal) =>
        Run(descriptor, context, Frames(frameSignal, context).Take(1))[0];
}

/// <summary>One frame: float samples as the pipeline holds them, and the oracle's double-precision magnitudes.</summary>
internal sealed record TestFrame(int Index, float[] Samples, float[] HopSamples, double[] Magnitudes)
{
    public float[] MagnitudesF { get; } = [.. Magnitudes.Select(m => (float)m)];

    public float[] PowerF { get; } = [.. Magnitudes.Select(m => (float)(m * m))];

    /// <summary>ln(max(PowerF, floor)) as the pipeline computes it (the library's float log).</summary>
    public float[] LogPowerF => LogOf(PowerF);

    /// <summary>The power the computers see, widened back to double (what an oracle on |X|² should start from).</summary>
    public double[] Power => [.. PowerF.Select(p => (double)p)];

    public float[] Compute(IDescriptorFrameComputer computer)
    {
        var values = new float[computer.ValuesPerFrame];
        computer.Compute(new AnalysisFrame(Index, Samples, HopSamples, MagnitudesF, PowerF, LogPowerF), values);
        return values;
    }

    /// <summary>ln(max(power, <see cref="AnalysisFrame.LogPowerFloor"/>)) with the library's float log, as the pipeline's frame has it.</summary>
    public static float[] LogOf(float[] power)
    {
        var logs = new float[power.Length];
        FastLog.ScaledLn(power, AnalysisFrame.LogPowerFloor, 1f, logs);
        return logs;
    }
}
