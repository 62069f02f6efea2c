using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>spectral</c> calculator: <c>spectral.centroid</c>, <c>spectral.rolloff</c>, <c>spectral.flux</c> and
/// <c>spectral.flatness</c>, following Essentia's <c>Centroid</c>, <c>RollOff</c>, <c>Flux</c> and <c>Flatness</c>.
/// </summary>
/// <remarks>
/// Version 2: <c>spectral.flatness</c> takes ln|X| in float with <see cref="FastLog"/> (error within 2 ulp, summed in double in
/// bin order) and treats a magnitude below the smallest normal float as 0; the other three are unchanged.
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
            var weighted = 0.0;
            var sum = 0.0;
            for (var i = 0; i < magnitudes.Length; i++)
            {
                double m = magnitudes[i];
                weighted += i * m;
                sum += m;
            }

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
            var total = 0.0;
            foreach (double p in power)
            {
                total += p;
            }

            var threshold = RolloffCutoff * total;
            var cumulative = 0.0;
            var bin = power.Length - 1;
            for (var i = 0; i < power.Length; i++)
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
            var sum = 0.0;
            for (var i = 0; i < magnitudes.Length; i++)
            {
                var d = (double)magnitudes[i] - _previous[i];
                sum += d * d;
            }

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
            var sum = 0.0;
            foreach (var m in magnitudes)
            {
                if (!(m >= FastLog.MinNormal))
                {
                    values[0] = 0f;
                    return;
                }

                sum += m;
            }

            var logs = _logs;
            FastLog.ScaledLn(magnitudes, FastLog.MinNormal, 1f, logs);
            var logSum = 0.0;
            foreach (var l in logs)
            {
                logSum += l;
            }

            var geometricMean = Math.Exp(logSum / magnitudes.Length);
            var arithmeticMean = sum / magnitudes.Length;
            values[0] = (float)Math.Min(geometricMean / arithmeticMean, 1.0);
        }
    }
}
