using System.Numerics;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>spectrum</c> calculator: <c>spectrum</c> (|X|) and <c>spectrum.db</c> (20·log10|X| clamped to the profile's dB range).</summary>
/// <remarks>
/// Version 3: <c>spectrum.db</c> is <c>(10 / ln 10)·</c><see cref="AnalysisFrame.LogPower"/> (the frame's shared float log of
/// |X|², error within 2 ulp of ln, about 1e-5 dB), clamped; a power below the smallest normal float gives <c>MinDecibels</c>
/// (version 2 took the log of |X| itself). <c>spectrum</c> is unchanged since version 1.
/// </remarks>
internal sealed class SpectrumCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "spectrum";

    public SpectrumCalculator()
        : base(
            CalculatorId,
            3,
            ("spectrum", "linear", "Magnitude spectrum |X| of each frame, bins 0..N/2.", ParameterDependencies.Magnitudes),
            ("spectrum.db", "dB", "Magnitude spectrum in decibels, clamped to the profile's min/max decibels.", ParameterDependencies.Decibels))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        name == "spectrum" ? new LinearComputer(context) : new DecibelComputer(context);

    private sealed class LinearComputer(AnalysisContext context) : FrameComputer(context, context.BinCount)
    {
        // A plain copy: the outputs are small buffers handed to the blob writer right away (StftPipeline), so they should
        // stay in the cache; non-temporal stores suited the whole-track outputs of before.
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values) => frame.Magnitudes.CopyTo(values);
    }

    private sealed class DecibelComputer(AnalysisContext context) : FrameComputer(context, context.BinCount)
    {
        // 20·log10|X| = 10·log10|X|² = ln|X|²·(10/ln 10).
        private const float DecibelsPerNeper = (float)(10.0 / 2.302585092994046);

        private readonly float _min = (float)context.Parameters.MinDecibels;
        private readonly float _max = (float)context.Parameters.MaxDecibels;

        // The row is computed here (in cache), then streamed to the output, which is only read after the analysis.
        private readonly float[] _row = new float[context.BinCount];

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var logPower = frame.LogPower;
            var power = frame.Power;
            Span<float> row = _row;

            // The vector loops compute and select element-wise exactly as the scalar loop does.
            var i = 0;
            if (Vector512.IsHardwareAccelerated && row.Length >= Vector512<float>.Count)
            {
                var scale = Vector512.Create(DecibelsPerNeper);
                var min = Vector512.Create(_min);
                var max = Vector512.Create(_max);
                var floor = Vector512.Create(AnalysisFrame.LogPowerFloor);
                for (; i <= row.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var db = Vector512.Create<float>(logPower[i..]) * scale;
                    db = Vector512.ConditionalSelect(Vector512.LessThan(db, min), min, db);
                    db = Vector512.ConditionalSelect(Vector512.GreaterThan(db, max), max, db);
                    Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(Vector512.Create<float>(power[i..]), floor), db, min).CopyTo(row[i..]);
                }
            }
            else if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
            {
                var scale = new Vector<float>(DecibelsPerNeper);
                var min = new Vector<float>(_min);
                var max = new Vector<float>(_max);
                var floor = new Vector<float>(AnalysisFrame.LogPowerFloor);
                for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var db = new Vector<float>(logPower[i..]) * scale;
                    db = Vector.ConditionalSelect(Vector.LessThan(db, min), min, db);
                    db = Vector.ConditionalSelect(Vector.GreaterThan(db, max), max, db);
                    Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(power[i..]), floor), db, min).CopyTo(row[i..]);
                }
            }

            for (; i < row.Length; i++)
            {
                var db = logPower[i] * DecibelsPerNeper;
                db = db < _min ? _min : db;
                db = db > _max ? _max : db;
                row[i] = power[i] >= AnalysisFrame.LogPowerFloor ? db : _min;
            }

            row.CopyTo(values);
        }
    }
}
