using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>onset</c> calculator: <c>onset.strength</c>, the half-wave rectified log-power flux averaged over the bins,
/// <c>(1/B)·Σ_i max(0, L_t[i] − L_{t−1}[i])</c> with <c>L = 10·log10(max(|X_i|², 1e-10))</c> (librosa
/// <c>onset_strength</c> with lag 1, max_size 1, mean aggregation, on <c>power_to_db(|X|², ref=1, amin=1e-10, top_db=None)</c>).
/// Frame 0 is 0, as librosa's padding makes it.
/// </summary>
/// <remarks>
/// Version 2: <c>L</c> is computed in float with <see cref="FastLog"/> (error within 2 ulp of ln, about 1e-5 dB) and the
/// floor is the float nearest 1e-10; the rectified differences are summed in double in <see cref="FixedOrderSum"/> order.
/// </remarks>
internal sealed class OnsetCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "onset";

    /// <summary>The power floor of the log spectrum (librosa's <c>amin</c>), −100 dB.</summary>
    public const double PowerFloor = 1e-10;

    public OnsetCalculator()
        : base(CalculatorId, 2, ("onset.strength", "linear", "Half-wave rectified log-magnitude flux (novelty function)."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new OnsetStrengthComputer(context);

    private sealed class OnsetStrengthComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        // 10·log10(p) = ln(p)·(10/ln 10).
        private const float DecibelsPerNeper = (float)(10.0 / 2.302585092994046);

        private float[] _previous = new float[context.BinCount];
        private float[] _current = new float[context.BinCount];
        private bool _hasPrevious;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            var current = _current;
            FastLog.ScaledLn(power, (float)PowerFloor, DecibelsPerNeper, current);
            var sum = _hasPrevious ? FixedOrderSum.Sum(0, current.Length, new Rise(current, _previous)) : 0.0;

            (_previous, _current) = (current, _previous);
            _hasPrevious = true;
            values[0] = (float)(sum / power.Length);
        }
    }

    private readonly ref struct Rise(ReadOnlySpan<float> current, ReadOnlySpan<float> previous) : ISumTerm
    {
        private readonly ReadOnlySpan<float> _current = current;
        private readonly ReadOnlySpan<float> _previous = previous;

        public double At(int i)
        {
            var d = (double)_current[i] - _previous[i];
            return d > 0 ? d : 0.0;
        }

        public Vector256<double> At4(int i)
        {
            var d = FixedOrderSum.Widen(_current, i) - FixedOrderSum.Widen(_previous, i);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(d, Vector256<double>.Zero), d, Vector256<double>.Zero);
        }
    }
}
