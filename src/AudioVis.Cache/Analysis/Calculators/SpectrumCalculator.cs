using System.Numerics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>spectrum</c> calculator: <c>spectrum</c> (|X|) and <c>spectrum.db</c> (20·log10|X| clamped to the profile's dB range).</summary>
/// <remarks>
/// Version 2: <c>spectrum.db</c> is computed in float with <see cref="FastLog"/> (error within 2 ulp of ln, about 1e-5 dB); a
/// magnitude below the smallest normal float (0, or −758.6 dB) gives <c>MinDecibels</c>. <c>spectrum</c> is unchanged.
/// </remarks>
internal sealed class SpectrumCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "spectrum";

    public SpectrumCalculator()
        : base(
            CalculatorId,
            2,
            ("spectrum", "linear", "Magnitude spectrum |X| of each frame, bins 0..N/2."),
            ("spectrum.db", "dB", "Magnitude spectrum in decibels, clamped to the profile's min/max decibels."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        name == "spectrum" ? new LinearComputer(context) : new DecibelComputer(context);

    private sealed class LinearComputer(AnalysisContext context) : FrameComputer(context, context.BinCount)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values) => frame.Magnitudes.CopyTo(values);
    }

    private sealed class DecibelComputer(AnalysisContext context) : FrameComputer(context, context.BinCount)
    {
        // 20·log10|X| = ln|X|·(20/ln 10).
        private const float DecibelsPerNeper = (float)(20.0 / 2.302585092994046);

        private readonly float _min = (float)context.Parameters.MinDecibels;
        private readonly float _max = (float)context.Parameters.MaxDecibels;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            FastLog.ScaledLn(magnitudes, FastLog.MinNormal, DecibelsPerNeper, values);

            // The vector loop selects element-wise exactly as the scalar loop does.
            var i = 0;
            if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
            {
                var min = new Vector<float>(_min);
                var max = new Vector<float>(_max);
                var floor = new Vector<float>(FastLog.MinNormal);
                for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var db = new Vector<float>(values[i..]);
                    db = Vector.ConditionalSelect(Vector.LessThan(db, min), min, db);
                    db = Vector.ConditionalSelect(Vector.GreaterThan(db, max), max, db);
                    Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(magnitudes[i..]), floor), db, min).CopyTo(values[i..]);
                }
            }

            for (; i < values.Length; i++)
            {
                var db = values[i];
                db = db < _min ? _min : db;
                db = db > _max ? _max : db;
                values[i] = magnitudes[i] >= FastLog.MinNormal ? db : _min;
            }
        }
    }
}
