using AudioVis.Cache.Analysis.Calculators;

namespace AudioVis.Cache.Analysis;

/// <summary>The calculators of the v1 descriptor catalogue (docs/descriptors.md), from which <see cref="Descriptors.DescriptorCatalog.Default"/> is built.</summary>
internal static class BuiltInCalculators
{
    /// <summary>
    /// Gets the built-in calculators, in catalogue order: <c>spectrum</c>, <c>bands</c>, <c>time</c>, <c>waveform</c>,
    /// <c>spectral</c>, <c>onset</c>, <c>chroma</c> and <c>mfcc</c> (versions in docs/descriptors.md).
    /// </summary>
    public static IReadOnlyList<IDescriptorCalculator> All { get; } =
    [
        new SpectrumCalculator(),
        new BandsCalculator(),
        new TimeCalculator(),
        new WaveformCalculator(),
        new SpectralCalculator(),
        new OnsetCalculator(),
        new ChromaCalculator(),
        new MfccCalculator(),
    ];
}
