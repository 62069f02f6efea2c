using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>onset</c> calculator: <c>onset.strength</c>, the half-wave rectified log-power flux averaged over the bins,
/// <c>(1/B)·Σ_i max(0, L_t[i] − L_{t−1}[i])</c> with <c>L = 10·log10(max(|X_i|², 1e-10))</c> (librosa
/// <c>onset_strength</c> with lag 1, max_size 1, mean aggregation, on <c>power_to_db(|X|², ref=1, amin=1e-10, top_db=None)</c>).
/// Frame 0 is 0, as librosa's padding makes it.
/// </summary>
internal sealed class OnsetCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "onset";

    /// <summary>The power floor of the log spectrum (librosa's <c>amin</c>), −100 dB.</summary>
    public const double PowerFloor = 1e-10;

    public OnsetCalculator()
        : base(CalculatorId, 1, ("onset.strength", "linear", "Half-wave rectified log-magnitude flux (novelty function)."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new OnsetStrengthComputer(context);

    private sealed class OnsetStrengthComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        private readonly double[] _previous = new double[context.BinCount];
        private bool _hasPrevious;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            var sum = 0.0;
            for (var i = 0; i < power.Length; i++)
            {
                var level = 10.0 * Math.Log10(Math.Max(power[i], PowerFloor));
                if (_hasPrevious)
                {
                    sum += Math.Max(level - _previous[i], 0.0);
                }

                _previous[i] = level;
            }

            _hasPrevious = true;
            values[0] = (float)(sum / power.Length);
        }
    }
}
