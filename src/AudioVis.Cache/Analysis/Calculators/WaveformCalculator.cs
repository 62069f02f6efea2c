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
            var hop = frame.HopSamples;
            var min = hop[0];
            var max = hop[0];
            for (var i = 1; i < hop.Length; i++)
            {
                min = Math.Min(min, hop[i]);
                max = Math.Max(max, hop[i]);
            }

            values[0] = min;
            values[1] = max;
        }
    }
}
