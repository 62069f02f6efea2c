using System.Numerics;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>spectral</c> calculator: <c>spectral.centroid</c>, <c>spectral.rolloff</c>, <c>spectral.flux</c> and
/// <c>spectral.flatness</c>, following Essentia's <c>Centroid</c>, <c>RollOff</c>, <c>Flux</c> and <c>Flatness</c>.
/// </summary>
/// <remarks>
/// Version 3: centroid, flux and flatness sum in float in <see cref="FloatReductions"/> order; flatness takes
/// ln|X| = ½·<see cref="AnalysisFrame.LogPower"/> (the frame's shared float log) and gives 0 when any |X|² is below the
/// smallest normal float. Rolloff is unchanged since version 2 (double sums in <see cref="FixedOrderSum"/> order, the
/// scan skipping whole blocks of 8 bins).
/// </remarks>
internal sealed class SpectralCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "spectral";

    /// <summary>The share of the total power below the rolloff frequency.</summary>
    public const double RolloffCutoff = 0.85;

    public SpectralCalculator()
        : base(
            CalculatorId,
            3,
            ("spectral.centroid", "Hz", "Magnitude-weighted mean frequency.", ParameterDependencies.Spectrum),
            ("spectral.rolloff", "Hz", "Frequency below which 85% of the spectral power lies.", ParameterDependencies.Spectrum),
            ("spectral.flux", "linear", "L2 norm of the frame-to-frame magnitude difference.", ParameterDependencies.Spectrum),
            ("spectral.flatness", "ratio", "Geometric mean over arithmetic mean of the magnitudes.", ParameterDependencies.Spectrum))
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
    private sealed class CentroidComputer : FrameComputer
    {
        private readonly double _binWidth;
        private readonly float[] _binIndex;

        public CentroidComputer(AnalysisContext context)
            : base(context, 1)
        {
            _binWidth = context.BinWidthHz;
            _binIndex = new float[context.BinCount];
            for (var i = 0; i < _binIndex.Length; i++)
            {
                _binIndex[i] = i;
            }
        }

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            var weighted = FloatReductions.Dot(magnitudes, _binIndex);
            var sum = FloatReductions.Sum(magnitudes);
            values[0] = sum > 0 ? (float)((double)weighted / sum * _binWidth) : 0f;
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
            var sum = FloatReductions.SumOfSquaredDifferences(magnitudes, _previous);
            magnitudes.CopyTo(_previous);
            values[0] = MathF.Sqrt(sum);
        }
    }

    // Essentia Flatness: geometric mean / arithmetic mean of |X|; any |X|² below the smallest normal float (so silence)
    // gives 0. The result is clamped to 1, which it can only exceed by rounding.
    private sealed class FlatnessComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            if (!AllAtLeast(frame.Power, AnalysisFrame.LogPowerFloor))
            {
                values[0] = 0f;
                return;
            }

            var magnitudes = frame.Magnitudes;
            var logSum = FloatReductions.Sum(frame.LogPower);
            var sum = FloatReductions.Sum(magnitudes);

            // ln of the geometric mean of |X| = mean of ½·ln|X|².
            var geometricMean = Math.Exp(0.5 * logSum / magnitudes.Length);
            var arithmeticMean = (double)sum / magnitudes.Length;
            values[0] = (float)Math.Min(geometricMean / arithmeticMean, 1.0);
        }

        // False when any value is below the floor or NaN (the comparison is false for NaN in both loops).
        private static bool AllAtLeast(ReadOnlySpan<float> x, float floor)
        {
            var i = 0;
            if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
            {
                var floorV = Vector512.Create(floor);
                var below = Vector512<float>.Zero;
                for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    below |= ~Vector512.GreaterThanOrEqual(Vector512.Create<float>(x[i..]), floorV);
                }

                if (below != Vector512<float>.Zero)
                {
                    return false;
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var floorV = new Vector<float>(floor);
                for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    if (!Vector.GreaterThanOrEqualAll(new Vector<float>(x[i..]), floorV))
                    {
                        return false;
                    }
                }
            }

            for (; i < x.Length; i++)
            {
                if (!(x[i] >= floor))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
