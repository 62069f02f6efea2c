namespace AudioVis.Cache.Analysis;

/// <summary>
/// One analysis frame of one channel, as the pipeline hands it to every <see cref="IDescriptorFrameComputer"/>: frame
/// <c>k</c> covers samples <c>[k·hop, k·hop + WindowSize)</c>.
/// </summary>
/// <remarks>The spans are only valid during the <see cref="IDescriptorFrameComputer.Compute"/> call.</remarks>
public readonly ref struct AnalysisFrame
{
    /// <summary>Initializes a new instance of the <see cref="AnalysisFrame"/> struct.</summary>
    /// <param name="index">The 0-based frame index.</param>
    /// <param name="samples">The unwindowed frame: <c>WindowSize</c> samples.</param>
    /// <param name="hopSamples">Samples <c>[k·hop, k·hop + hop)</c>: <c>HopSize</c> samples.</param>
    /// <param name="magnitudes">|X| of the windowed, zero-padded frame: <see cref="AnalysisContext.BinCount"/> values.</param>
    /// <param name="power">|X|²: <see cref="AnalysisContext.BinCount"/> values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public AnalysisFrame(int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples, ReadOnlySpan<float> magnitudes, ReadOnlySpan<float> power)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
        Samples = samples;
        HopSamples = hopSamples;
        Magnitudes = magnitudes;
        Power = power;
    }

    /// <summary>Gets the 0-based frame index <c>k</c>.</summary>
    public int Index { get; }

    /// <summary>Gets the unwindowed frame, <c>WindowSize</c> samples of one channel.</summary>
    public ReadOnlySpan<float> Samples { get; }

    /// <summary>Gets samples <c>[k·hop, k·hop + hop)</c>, <c>HopSize</c> samples (used by <c>waveform.minmax</c>).</summary>
    public ReadOnlySpan<float> HopSamples { get; }

    /// <summary>
    /// Gets |X| of the windowed, zero-padded frame, bins 0…FftSize/2 (<see cref="AnalysisContext.BinCount"/> values); the
    /// window is normalised so its sum is 2, so a full-scale sine's peak bin equals its amplitude.
    /// </summary>
    public ReadOnlySpan<float> Magnitudes { get; }

    /// <summary>Gets |X|², computed once per frame by the pipeline (<see cref="AnalysisContext.BinCount"/> values).</summary>
    public ReadOnlySpan<float> Power { get; }
}
