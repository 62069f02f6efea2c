using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>waveform</c> calculator: <c>waveform.minmax</c>, the minimum and maximum sample of each hop.</summary>
internal sealed class WaveformCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "waveform";

    public WaveformCalculator()
        : base(CalculatorId, 1, ("waveform.minmax", "linear", "Minimum and maximum sample per hop, for overview drawing."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new MinMaxComputer(context);

    private sealed class MinMaxComputer(AnalysisContext context) : FrameComputer(context, 2)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            // Math.Min/Max are associative and commutative (NaN propagates, −0 < +0), so two running pairs give the same
            // values as one.
            var hop = frame.HopSamples;
            float min0 = hop[0], max0 = hop[0], min1 = hop[0], max1 = hop[0];
            var i = 1;
            for (; i <= hop.Length - 2; i += 2)
            {
                min0 = Math.Min(min0, hop[i]);
                max0 = Math.Max(max0, hop[i]);
                min1 = Math.Min(min1, hop[i + 1]);
                max1 = Math.Max(max1, hop[i + 1]);
            }

            for (; i < hop.Length; i++)
            {
                min0 = Math.Min(min0, hop[i]);
                max0 = Math.Max(max0, hop[i]);
            }

            values[0] = Math.Min(min0, min1);
            values[1] = Math.Max(max0, max1);
        }
    }
}
