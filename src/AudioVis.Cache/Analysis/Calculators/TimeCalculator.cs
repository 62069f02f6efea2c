using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>time</c> calculator: <c>rms</c>, <c>peak</c> and <c>zcr</c> of the unwindowed frame.</summary>
internal sealed class TimeCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "time";

    public TimeCalculator()
        : base(
            CalculatorId,
            1,
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
            var sum = 0.0;
            foreach (double x in samples)
            {
                sum += x * x;
            }

            values[0] = (float)Math.Sqrt(sum / samples.Length);
        }
    }

    private sealed class PeakComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var peak = 0f;
            foreach (var x in frame.Samples)
            {
                peak = Math.Max(peak, Math.Abs(x));
            }

            values[0] = peak;
        }
    }

    // Essentia ZeroCrossingRate with threshold 0: a sample counts as positive when x > 0, so 0 counts as negative.
    private sealed class ZeroCrossingRateComputer(AnalysisContext context) : FrameComputer(context, 1)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var samples = frame.Samples;
            var crossings = 0;
            var wasPositive = samples[0] > 0;
            for (var i = 1; i < samples.Length; i++)
            {
                var isPositive = samples[i] > 0;
                if (isPositive != wasPositive)
                {
                    crossings++;
                    wasPositive = isPositive;
                }
            }

            values[0] = (float)((double)crossings / samples.Length);
        }
    }
}
