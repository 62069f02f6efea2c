using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>spectrum</c> calculator: <c>spectrum</c> (|X|) and <c>spectrum.db</c> (20·log10|X| clamped to the profile's dB range).</summary>
internal sealed class SpectrumCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "spectrum";

    public SpectrumCalculator()
        : base(
            CalculatorId,
            1,
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
        private readonly double _min = context.Parameters.MinDecibels;
        private readonly double _max = context.Parameters.MaxDecibels;

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var magnitudes = frame.Magnitudes;
            for (var i = 0; i < values.Length; i++)
            {
                double magnitude = magnitudes[i];
                var db = magnitude > 0 ? 20.0 * Math.Log10(magnitude) : _min;
                values[i] = (float)Math.Clamp(db, _min, _max);
            }
        }
    }
}
