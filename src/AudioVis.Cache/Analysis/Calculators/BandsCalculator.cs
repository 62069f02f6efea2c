using System.Globalization;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>bands</c> calculator: <c>spectrum.bandsN</c> (N = 1…512), the power <c>Σ |X_j|²</c> of N bands whose edges are
/// spaced logarithmically or on the HTK mel scale (Essentia <c>FrequencyBands</c>); see <see cref="BandLayoutEdges"/>.
/// </summary>
/// <remarks>
/// Version 3: each band is summed in float in <see cref="FloatReductions"/> order (version 2: double in
/// <see cref="FixedOrderSum"/> order; version 1: one chain in bin order).
/// </remarks>
internal sealed class BandsCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "bands";
    public const string FamilyName = "spectrum.bands";
    public const int MinBands = 1;
    public const int MaxBands = 512;

    public BandsCalculator()
        : base(CalculatorId, 3, (FamilyName, "power", "Energy per band (sum of |X|^2), N bands spaced by the profile's band layout.", ParameterDependencies.Bands))
    {
    }

    protected override (int Min, int Max)? SuffixRangeOf(string name) => (MinBands, MaxBands);

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context)
    {
        var count = int.Parse(name.AsSpan(FamilyName.Length), NumberStyles.None, CultureInfo.InvariantCulture);
        return new BandsComputer(context, BandLayoutEdges.BinRanges(context, count));
    }

    private sealed class BandsComputer(AnalysisContext context, (int Start, int End)[] ranges) : FrameComputer(context, ranges.Length)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            for (var b = 0; b < ranges.Length; b++)
            {
                var (start, end) = ranges[b];
                values[b] = FloatReductions.Sum(power[start..end]);
            }
        }
    }
}
