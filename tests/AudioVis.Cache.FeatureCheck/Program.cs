using System.Globalization;
using AudioVis.Cache.Analysis.Fft;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>
/// Checks every accelerated FFT path against a double-precision reference DFT and against the scalar path,
/// printing the path the plan picks by default. Exit code 0 when every check passes. With the argument
/// <c>analyzer-golden</c> it prints the combined blob hash of every analyzer golden signal instead; with
/// <c>analyzer-memory &lt;seconds&gt; &lt;channels&gt; [threads]</c> it measures the memory and time of one long analysis, and with
/// <c>analyzer-cancel &lt;seconds&gt; &lt;channels&gt; &lt;points&gt;</c> how soon a cancelled one stops (<see cref="AnalyzerMemory"/>).
/// </summary>
internal static class Program
{
    /// <summary>The line prefix the test reads the default path from.</summary>
    public const string DefaultPathPrefix = "default-path: ";

    private const double RelativeTolerance = 1e-5;

    private static int Main(string[] args)
    {
        if (args is ["analyzer-golden"])
        {
            return AnalyzerGoldenMain();
        }

        if (args is ["analyzer-golden", .. var names] && names.All(AnalyzerGolden.Names.Contains))
        {
            return AnalyzerGoldenMain(names);
        }

        if (args is ["analyzer-memory", var seconds, var channels, .. var rest] && rest.Length <= 1)
        {
            return AnalyzerMemory.Run(
                double.Parse(seconds, CultureInfo.InvariantCulture),
                int.Parse(channels, CultureInfo.InvariantCulture),
                rest.Length == 1 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 1);
        }

        if (args is ["analyzer-cancel", var cancelSeconds, var cancelChannels, var points])
        {
            return AnalyzerMemory.RunCancellation(
                double.Parse(cancelSeconds, CultureInfo.InvariantCulture), int.Parse(cancelChannels, CultureInfo.InvariantCulture), int.Parse(points, CultureInfo.InvariantCulture));
        }

        var defaultPath = FftKernel.DetectPath();
        Console.WriteLine(DefaultPathPrefix + defaultPath);
        var paths = Enum.GetValues<FftKernelPath>().Where(FftKernel.IsSupported).ToArray();
        Console.WriteLine("accelerated-paths: " + string.Join(", ", paths));
        var failed = false;
        var worst = paths.ToDictionary(p => p, _ => 0.0);
        for (var size = RealFftPlan.MinSize; size <= RealFftPlan.MaxSize; size *= 2)
        {
            foreach (var signal in Signals(size))
            {
                var reference = ReferenceDft(signal);
                var peak = reference.Max(c => Math.Sqrt((c.Re * c.Re) + (c.Im * c.Im)));
                float[]? scalar = null;
                foreach (var path in paths)
                {
                    var plan = new RealFftPlan(size, path);
                    var real = new float[plan.BinCount];
                    var imaginary = new float[plan.BinCount];
                    var magnitudes = new float[plan.BinCount];
                    plan.Forward(signal, real, imaginary);
                    plan.ForwardMagnitudes(signal, magnitudes);
                    var error = 0.0;
                    for (var k = 0; k < plan.BinCount; k++)
                    {
                        var dr = real[k] - reference[k].Re;
                        var di = imaginary[k] - reference[k].Im;
                        error = Math.Max(error, Math.Sqrt((dr * dr) + (di * di)));
                    }

                    var relative = error / Math.Max(peak, 1.0);
                    worst[path] = Math.Max(worst[path], relative);
                    scalar ??= path == FftKernelPath.Scalar ? magnitudes : null;
                    var identical = scalar is null || magnitudes.AsSpan().SequenceEqual(scalar);
                    var ok = relative <= RelativeTolerance && identical;
                    failed |= !ok;
                    if (!ok || size == 2048)
                    {
                        Console.WriteLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"N={size} path={path} max-relative-error={relative:E2} bit-identical-to-scalar={identical} {(ok ? "ok" : "FAILED")}"));
                    }
                }
            }
        }

        foreach (var (path, relative) in worst)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"path={path} max-relative-error-all-sizes={relative:E2}"));
        }

        Console.WriteLine(failed ? "result: FAILED" : "result: ok");
        return failed ? 1 : 0;
    }

    // Prints the default FFT path, the hash of the reduction and log kernels' results, and one combined blob hash per
    // golden signal, for AudioAnalyzerSimdTests.
    private static int AnalyzerGoldenMain()
    {
        Console.WriteLine(AnalyzerGolden.ReductionsPrefix + AnalyzerGolden.ReductionsHash());
        Console.WriteLine(AnalyzerGolden.ResamplerPrefix + AnalyzerGolden.ResamplerHash());
        return AnalyzerGoldenMain(AnalyzerGolden.Names);
    }

    // Prints the default FFT path and the combined blob hash of the named golden signals only (the reliability suite's
    // determinism test).
    private static int AnalyzerGoldenMain(IEnumerable<string> names)
    {
        Console.WriteLine(DefaultPathPrefix + FftKernel.DetectPath());
        foreach (var name in names)
        {
            Console.WriteLine(AnalyzerGolden.GoldenPrefix + name + " " + AnalyzerGolden.CombinedHash(AnalyzerGolden.BlobHashes(name)));
        }

        return 0;
    }

    private static IEnumerable<float[]> Signals(int size)
    {
        var random = new Random(size);
        var noise = new float[size];
        var tone = new float[size];
        for (var n = 0; n < size; n++)
        {
            noise[n] = (float)((random.NextDouble() * 2.0) - 1.0);
            tone[n] = (float)(Math.Sin(2.0 * Math.PI * 7 * n / size) + (0.25 * Math.Cos(2.0 * Math.PI * (size / 3) * n / size)));
        }

        yield return noise;
        yield return tone;
    }

    // X_k = Σ x_n e^{-2πikn/N} evaluated directly in double precision, k = 0..N/2, with an exact-index twiddle table.
    private static (double Re, double Im)[] ReferenceDft(float[] signal)
    {
        var size = signal.Length;
        var cos = new double[size];
        var sin = new double[size];
        for (var j = 0; j < size; j++)
        {
            (sin[j], cos[j]) = Math.SinCos(2.0 * Math.PI * j / size);
        }

        var spectrum = new (double Re, double Im)[(size / 2) + 1];
        for (var k = 0; k < spectrum.Length; k++)
        {
            double re = 0, im = 0;
            var index = 0;
            for (var n = 0; n < size; n++)
            {
                re += signal[n] * cos[index];
                im -= signal[n] * sin[index];
                index = (index + k) & (size - 1);
            }

            spectrum[k] = (re, im);
        }

        return spectrum;
    }
}
