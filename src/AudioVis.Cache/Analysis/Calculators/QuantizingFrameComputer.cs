using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// Quantises another computer's values to their blob's value encoding as they are computed, so the values written are
/// exactly what every store returns (<see cref="FeatureValueCodec.Quantize(Span{float})"/>): the library's float log and
/// float rounding, the same on every SIMD path.
/// </summary>
internal sealed class QuantizingFrameComputer(IDescriptorFrameComputer inner, FeatureValueCodec codec) : IDescriptorFrameComputer
{
    /// <inheritdoc/>
    public int ValuesPerFrame => inner.ValuesPerFrame;

    /// <inheritdoc/>
    public void Compute(in AnalysisFrame frame, Span<float> values)
    {
        inner.Compute(frame, values);
        codec.Quantize(values);
    }
}
