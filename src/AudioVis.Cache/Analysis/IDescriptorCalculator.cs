using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Computes one or more descriptors frame by frame from the shared analysis of a track (one decode and one STFT per
/// {track, profile}). Integrators implement it to add descriptors and register it with <c>builder.AddCalculator</c> (docs/analyzer.md,
/// "Custom calculators"); the built-in ones are listed in docs/descriptors.md.
/// </summary>
/// <remarks>
/// A calculator is stateless and thread-safe; per-track state lives in the <see cref="IDescriptorFrameComputer"/> it
/// creates. Output must depend only on the frames, the <see cref="AnalysisContext"/> and <see cref="Version"/>, so the
/// same audio, profile and calculator versions give bit-identical values on every run.
/// </remarks>
public interface IDescriptorCalculator
{
    /// <summary>Gets the calculator id, e.g. <c>spectral</c>; it is recorded with every cached entry.</summary>
    string Id { get; }

    /// <summary>Gets the calculator version; bumping it makes the calculator's cached entries stale (<c>CalculatorChanged</c>).</summary>
    int Version { get; }

    /// <summary>
    /// Gets the descriptors the calculator produces; each definition's <see cref="DescriptorDefinition.CalculatorId"/> and
    /// <see cref="DescriptorDefinition.CalculatorVersion"/> equal <see cref="Id"/> and <see cref="Version"/>.
    /// </summary>
    IReadOnlyList<DescriptorDefinition> Definitions { get; }

    /// <summary>
    /// Creates the computer of one descriptor for one {track, profile}; it holds the per-track state (such as the previous
    /// frame) and everything precomputed from <paramref name="context"/> (band edges, filterbanks…).
    /// </summary>
    /// <param name="descriptor">A descriptor this calculator produces (its channel alias is ignored: the caller picks the channel).</param>
    /// <param name="context">The sample rate and analysis parameters of the track being analysed.</param>
    /// <returns>A new computer; frames must be passed to it in order, starting with frame 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="descriptor"/> is not one of <see cref="Definitions"/>.</exception>
    IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context);
}
