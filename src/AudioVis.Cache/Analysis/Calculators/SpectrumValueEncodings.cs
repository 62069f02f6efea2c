using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The value encoding of each spectrum descriptor under a profile's <see cref="AnalysisParameters.SpectrumEncoding"/>
/// (docs/feature-blobs.md, "Value encodings"): <c>spectrum</c>, <c>spectrum.db</c> and <c>spectrum.bandsN</c> follow it
/// (except that bands stay float32 under float16: a band's power can exceed 65504); every other descriptor is float32.
/// </summary>
internal static class SpectrumValueEncodings
{
    /// <summary>
    /// The largest level of <c>spectrum</c>: |X| ≤ Σ|w| = 2 for samples in [−1, 1], since every analysis window is normalised
    /// to sum to 2 (<see cref="AnalysisWindow"/>), so 20·log10 2 dB. A full-scale sine's peak bin is 1 (0 dB).
    /// </summary>
    public static readonly double AmplitudeReference = 20 * Math.Log10(2);

    /// <summary>
    /// The span, in dB, of the decibel codes of <c>spectrum</c> and <c>spectrum.bandsN</c>, below their largest level: 8-bit
    /// codes step 120/255 ≈ 0.47 dB (error ≤ 0.235 dB), 16-bit codes 0.0018 dB (error ≤ 0.00092 dB).
    /// </summary>
    public const double LinearRangeDecibels = 120;

    /// <summary>Returns how a descriptor computed by a calculator is stored under <paramref name="parameters"/>.</summary>
    /// <param name="calculatorId">The id of the calculator computing the descriptor.</param>
    /// <param name="descriptorName">The descriptor name without its channel alias.</param>
    /// <param name="parameters">The profile's parameters.</param>
    public static FeatureValueEncoding For(string calculatorId, string descriptorName, AnalysisParameters parameters)
    {
        FeatureLevelScale? scale = calculatorId switch
        {
            SpectrumCalculator.CalculatorId => descriptorName == "spectrum" ? FeatureLevelScale.Amplitude : FeatureLevelScale.Decibels,
            BandsCalculator.CalculatorId => FeatureLevelScale.Power,
            _ => null,
        };
        if (scale is not { } level || parameters.SpectrumEncoding == SpectrumEncoding.Float32)
        {
            return FeatureValueEncoding.Float32;
        }

        if (parameters.SpectrumEncoding == SpectrumEncoding.Float16)
        {
            return level == FeatureLevelScale.Power ? FeatureValueEncoding.Float32 : FeatureValueEncoding.Float16;
        }

        // spectrum.db: the profile's decibel range (its values are already clamped to it). spectrum and the bands: a fixed
        // range of LinearRangeDecibels below the largest level their values can reach, so their codes do not depend on the
        // profile's decibel range (and an edit of it leaves them current).
        var kind = parameters.SpectrumEncoding == SpectrumEncoding.Decibels16 ? FeatureEncodingKind.Decibels16 : FeatureEncodingKind.Decibels8;
        if (level == FeatureLevelScale.Decibels)
        {
            return FeatureValueEncoding.Decibels(kind, level, parameters.MinDecibels, parameters.MaxDecibels);
        }

        var top = level == FeatureLevelScale.Amplitude ? AmplitudeReference : PowerReference(parameters);
        return FeatureValueEncoding.Decibels(kind, level, top - LinearRangeDecibels, top);
    }

    /// <summary>
    /// The largest level of a band's power, 10·log10(N·Σw²) dB (0 for an all-zero window): by Parseval, the power of all N bins
    /// is N·Σ(x·w)², at most N·Σw² for samples in [−1, 1], and a band sums some of bins 0…N/2. Computed in double from the
    /// window's float coefficients, so it is the same on every platform.
    /// </summary>
    public static double PowerReference(AnalysisParameters parameters)
    {
        var sum = 0.0;
        foreach (var w in AnalysisWindow.Create(parameters.WindowFunction, parameters.WindowSize))
        {
            sum += (double)w * w;
        }

        return sum > 0 ? 10 * Math.Log10(parameters.FftSize * sum) : 0;
    }
}
