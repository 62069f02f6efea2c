using System.Numerics;
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
/// Version 3: <c>L = max((10 / ln 10)·</c><see cref="AnalysisFrame.LogPower"/><c>, −100 dB)</c> from the frame's shared float
/// log (error within 2 ulp of ln, about 1e-5 dB), and the rectified differences are summed in float in
/// <see cref="FloatReductions"/> order (version 2: its own log and a double sum).
/// </remarks>
internal sealed class OnsetCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "onset";

    /// <summary>The power floor of the log spectrum (librosa's <c>amin</c>), −100 dB.</summary>
    public const double PowerFloor = 1e-10;

    public OnsetCalculator()
        : base(CalculatorId, 3, ("onset.strength", "linear", "Half-wave rectified log-magnitude flux (novelty function).", ParameterDependencies.Spectrum))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new OnsetStrengthComputer(context);

    private sealed class OnsetStrengthComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        // 10·log10(p) = ln(p)·(10/ln 10).
        private const float DecibelsPerNeper = (float)(10.0 / 2.302585092994046);

        // 10·log10(PowerFloor) = −100 dB.
        private const float FloorDecibels = -100f;

        private float[] _previous = new float[context.BinCount];
        private float[] _current = new float[context.BinCount];
        private bool _hasPrevious;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var logPower = frame.LogPower;
            var current = _current;

            // Element-wise, so the vector and scalar loops give the same bits.
            var i = 0;
            if (Vector512.IsHardwareAccelerated && current.Length >= Vector512<float>.Count)
            {
                var scale = Vector512.Create(DecibelsPerNeper);
                var floor = Vector512.Create(FloorDecibels);
                for (; i <= current.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var db = Vector512.Create<float>(logPower[i..]) * scale;
                    Vector512.ConditionalSelect(Vector512.GreaterThan(db, floor), db, floor).CopyTo(current.AsSpan(i));
                }
            }
            else if (Vector.IsHardwareAccelerated && current.Length >= Vector<float>.Count)
            {
                var scale = new Vector<float>(DecibelsPerNeper);
                var floor = new Vector<float>(FloorDecibels);
                for (; i <= current.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var db = new Vector<float>(logPower[i..]) * scale;
                    Vector.ConditionalSelect(Vector.GreaterThan(db, floor), db, floor).CopyTo(current.AsSpan(i));
                }
            }

            for (; i < current.Length; i++)
            {
                var db = logPower[i] * DecibelsPerNeper;
                current[i] = db > FloorDecibels ? db : FloorDecibels;
            }

            var sum = _hasPrevious ? FloatReductions.SumOfRises(current, _previous) : 0f;
            (_previous, _current) = (current, _previous);
            _hasPrevious = true;
            values[0] = sum / current.Length;
        }
    }
}
