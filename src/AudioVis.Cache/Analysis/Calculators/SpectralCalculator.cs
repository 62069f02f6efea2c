using System.Numerics;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>spectral</c> calculator: <c>spectral.centroid</c>, <c>spectral.rolloff</c>, <c>spectral.flux</c> and
/// <c>spectral.flatness</c>, following Essentia's <c>Centroid</c>, <c>RollOff</c>, <c>Flux</c> and <c>Flatness</c>.
/// </summary>
/// <remarks>
/// Version 2: <c>spectral.flatness</c> takes ln|X| in float with <see cref="FastLog"/> (error within 2 ulp) and treats a
/// magnitude below the smallest normal float as 0; every sum is in <see cref="FixedOrderSum"/> order; the rolloff scan
/// skips whole blocks of 8 bins.
/// </remarks>
internal sealed class SpectralCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "spectral";

    /// <summary>The share of the total power below the rolloff frequency.</summary>
    public const double RolloffCutoff = 0.85;

    public SpectralCalculator()
        : base(
            CalculatorId,
            2,
            ("spectral.centroid", "Hz", "Magnitude-weighted mean frequency."),
            ("spectral.rolloff", "Hz", "Frequency below which 85% of the spectral power lies."),
            ("spectral.flux", "linear", "L2 norm of the frame-to-frame magnitude difference."),
            ("spectral.flatness", "ratio", "Geometric mean over arithmetic mean of the magnitudes."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) => name switch
    {
        "spectral.centroid" => new CentroidComputer(context),
        "spectral.rolloff" => new RolloffComputer(context),
        "spectral.flux" => new FluxComputer(context),
        _ => new FlatnessComputer(context),
    };

    // Essentia Centroid with range fs/2: Σ i·|X_i| / Σ |X_i| × (fs/2)/(bins − 1); silence gives 0.
    private sealed class CentroidComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        private readonly double _binWidth = context.BinWidthHz;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            var weighted = FixedOrderSum.Sum(0, magnitudes.Length, new IndexWeighted(magnitudes));
            var sum = FixedOrderSum.Sum(magnitudes);
            values[0] = sum > 0 ? (float)(weighted / sum * _binWidth) : 0f;
        }
    }

    // Essentia RollOff: the smallest bin i with Σ_{j≤i} |X_j|² ≥ 0.85·Σ|X|², in Hz; silence gives 0 (bin 0).
    private sealed class RolloffComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        private readonly double _binWidth = context.BinWidthHz;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            var threshold = RolloffCutoff * FixedOrderSum.Sum(power);
            var cumulative = 0.0;
            var bin = power.Length - 1;

            // Whole blocks of 8 bins whose cumulative sum stays below the threshold are skipped (each block summed as a
            // fixed tree, so the dependent chain is 8× shorter); the bin is then found one by one from the first block
            // that reaches it.
            var start = 0;
            for (; start <= power.Length - 8; start += 8)
            {
                var block = (((double)power[start] + power[start + 1]) + ((double)power[start + 2] + power[start + 3]))
                    + (((double)power[start + 4] + power[start + 5]) + ((double)power[start + 6] + power[start + 7]));
                var next = cumulative + block;
                if (next >= threshold)
                {
                    break;
                }

                cumulative = next;
            }

            for (var i = start; i < power.Length; i++)
            {
                cumulative += power[i];
                if (cumulative >= threshold)
                {
                    bin = i;
                    break;
                }
            }

            values[0] = (float)(bin * _binWidth);
        }
    }

    // Essentia Flux defaults (L2, not rectified, not normalised), with |X_{-1}| = 0.
    private sealed class FluxComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        private readonly float[] _previous = new float[context.BinCount];

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            var sum = FixedOrderSum.Sum(0, magnitudes.Length, new SquaredDifference(magnitudes, _previous));
            magnitudes.CopyTo(_previous);
            values[0] = (float)Math.Sqrt(sum);
        }
    }

    // Essentia Flatness: geometric mean / arithmetic mean of |X|; any bin below the smallest normal float (so silence)
    // gives 0. The result is clamped to 1, which it can only exceed by rounding.
    private sealed class FlatnessComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        private readonly float[] _logs = new float[context.BinCount];

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            if (!AllAtLeastMinNormal(magnitudes))
            {
                values[0] = 0f;
                return;
            }

            var logs = _logs;
            FastLog.ScaledLn(magnitudes, FastLog.MinNormal, 1f, logs);
            var sum = FixedOrderSum.Sum(magnitudes);
            var logSum = FixedOrderSum.Sum(logs);

            var geometricMean = Math.Exp(logSum / magnitudes.Length);
            var arithmeticMean = sum / magnitudes.Length;
            values[0] = (float)Math.Min(geometricMean / arithmeticMean, 1.0);
        }

        // False when any value is below the smallest normal float or NaN (the comparison is false for NaN in both loops).
        private static bool AllAtLeastMinNormal(ReadOnlySpan<float> x)
        {
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var floor = new Vector<float>(FastLog.MinNormal);
                for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    if (!Vector.GreaterThanOrEqualAll(new Vector<float>(x[i..]), floor))
                    {
                        return false;
                    }
                }
            }

            for (; i < x.Length; i++)
            {
                if (!(x[i] >= FastLog.MinNormal))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private readonly ref struct IndexWeighted(ReadOnlySpan<float> magnitudes) : ISumTerm
    {
        private readonly ReadOnlySpan<float> _magnitudes = magnitudes;

        public double At(int i) => i * (double)_magnitudes[i];

        public Vector256<double> At4(int i) =>
            Vector256.Create((double)i, i + 1, i + 2, i + 3) * FixedOrderSum.Widen(_magnitudes, i);
    }

    private readonly ref struct SquaredDifference(ReadOnlySpan<float> current, ReadOnlySpan<float> previous) : ISumTerm
    {
        private readonly ReadOnlySpan<float> _current = current;
        private readonly ReadOnlySpan<float> _previous = previous;

        public double At(int i)
        {
            var d = (double)_current[i] - _previous[i];
            return d * d;
        }

        public Vector256<double> At4(int i)
        {
            var d = FixedOrderSum.Widen(_current, i) - FixedOrderSum.Widen(_previous, i);
            return d * d;
        }
    }
}
