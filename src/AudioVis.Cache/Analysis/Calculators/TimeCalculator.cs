using System.Numerics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>time</c> calculator: <c>rms</c>, <c>peak</c> and <c>zcr</c> of the unwindowed frame.</summary>
/// <remarks>Version 2: <c>rms</c> sums x² in <see cref="FixedOrderSum"/> order; <c>peak</c> and <c>zcr</c> are unchanged.</remarks>
internal sealed class TimeCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "time";

    public TimeCalculator()
        : base(
            CalculatorId,
            2,
            ("rms", "linear", "Root mean square of the unwindowed frame."),
            ("peak", "linear", "Largest absolute sample of the unwindowed frame."),
            ("zcr", "ratio", "Zero-crossing rate: sign changes of x > 0 divided by the frame length."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) => name switch
    {
        "rms" => new RmsComputer(context),
        "peak" => new PeakComputer(context),
        _ => new ZeroCrossingRateComputer(context),
    };

    private sealed class RmsComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var samples = frame.Samples;
            values[0] = (float)Math.Sqrt(FixedOrderSum.SumOfSquares(samples) / samples.Length);
        }
    }

    private sealed class PeakComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            // Math.Max is associative and commutative (NaN propagates, |x| has no −0), so running maxima in lanes give the
            // same value as one. Vector.Max may treat NaN differently, so any NaN makes the result NaN explicitly, as
            // Math.Max does.
            var samples = frame.Samples;
            float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
            var i = 0;
            if (Vector.IsHardwareAccelerated && samples.Length >= Vector<float>.Count)
            {
                var peaks = Vector<float>.Zero;
                var ordered = true;
                for (; i <= samples.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var v = new Vector<float>(samples[i..]);
                    ordered &= Vector.EqualsAll(v, v);
                    peaks = Vector.Max(peaks, Vector.Abs(v));
                }

                if (!ordered)
                {
                    values[0] = float.NaN;
                    return;
                }

                for (var lane = 0; lane < Vector<float>.Count; lane++)
                {
                    p0 = Math.Max(p0, peaks[lane]);
                }
            }

            for (; i <= samples.Length - 4; i += 4)
            {
                p0 = Math.Max(p0, Math.Abs(samples[i]));
                p1 = Math.Max(p1, Math.Abs(samples[i + 1]));
                p2 = Math.Max(p2, Math.Abs(samples[i + 2]));
                p3 = Math.Max(p3, Math.Abs(samples[i + 3]));
            }

            for (; i < samples.Length; i++)
            {
                p0 = Math.Max(p0, Math.Abs(samples[i]));
            }

            values[0] = Math.Max(Math.Max(p0, p1), Math.Max(p2, p3));
        }
    }

    // Essentia ZeroCrossingRate with threshold 0: a sample counts as positive when x > 0, so 0 counts as negative.
    private sealed class ZeroCrossingRateComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var samples = frame.Samples;
            var crossings = 0;
            var i = 1;

            // A crossing at i is (x_{i−1} > 0) ≠ (x_i > 0); counting is exact in any order, so lanes may count them.
            if (Vector.IsHardwareAccelerated && samples.Length > Vector<float>.Count)
            {
                var counts = Vector<int>.Zero;
                for (; i <= samples.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var before = Vector.GreaterThan(new Vector<float>(samples[(i - 1)..]), Vector<float>.Zero);
                    var now = Vector.GreaterThan(new Vector<float>(samples[i..]), Vector<float>.Zero);
                    counts -= before ^ now;
                }

                crossings = Vector.Sum(counts);
            }

            for (; i < samples.Length; i++)
            {
                crossings += (samples[i - 1] > 0) != (samples[i] > 0) ? 1 : 0;
            }

            values[0] = (float)((double)crossings / samples.Length);
        }
    }
}
