using AudioVis.Cache.Analysis.Calculators;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// One analysis frame of one channel, as the pipeline hands it to every <see cref="IDescriptorFrameComputer"/>: frame
/// <c>k</c> covers samples <c>[k·hop, k·hop + WindowSize)</c>.
/// </summary>
/// <remarks>The spans are only valid during the <see cref="IDescriptorFrameComputer.Compute"/> call.</remarks>
public readonly ref struct AnalysisFrame
{
    /// <summary>The floor of <see cref="LogPower"/>: the smallest positive normal float, 2^−126 (ln of it is about −87.34).</summary>
    public const float LogPowerFloor = FastLog.MinNormal;

    private readonly ReadOnlySpan<float> _logPower;
    private readonly LogPowerBuffer? _lazyLogPower;

    /// <summary>Initializes a new instance of the <see cref="AnalysisFrame"/> struct.</summary>
    /// <param name="index">The 0-based frame index.</param>
    /// <param name="samples">The unwindowed frame: <c>WindowSize</c> samples.</param>
    /// <param name="hopSamples">Samples <c>[k·hop, k·hop + hop)</c>: <c>HopSize</c> samples.</param>
    /// <param name="magnitudes">|X| of the windowed, zero-padded frame: <see cref="AnalysisContext.BinCount"/> values.</param>
    /// <param name="power">|X|²: <see cref="AnalysisContext.BinCount"/> values.</param>
    /// <param name="logPower">ln(max(|X|², <see cref="LogPowerFloor"/>)): <see cref="AnalysisContext.BinCount"/> values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="logPower"/> and <paramref name="power"/> have different lengths.</exception>
    public AnalysisFrame(int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples, ReadOnlySpan<float> magnitudes, ReadOnlySpan<float> power, ReadOnlySpan<float> logPower)
        : this(index, samples, hopSamples, magnitudes, power)
    {
        if (logPower.Length != power.Length)
        {
            throw new ArgumentException($"logPower has {logPower.Length} values; power has {power.Length}.", nameof(logPower));
        }

        _logPower = logPower;
    }

    // The pipeline's frame: LogPower is computed on first use, once per frame for all computers of the channel.
    internal AnalysisFrame(int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples, ReadOnlySpan<float> magnitudes, ReadOnlySpan<float> power, LogPowerBuffer logPower)
        : this(index, samples, hopSamples, magnitudes, power) => _lazyLogPower = logPower;

    private AnalysisFrame(int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples, ReadOnlySpan<float> magnitudes, ReadOnlySpan<float> power)
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

    /// <summary>
    /// Gets ln(max(|X|², <see cref="LogPowerFloor"/>)) per bin (<see cref="AnalysisContext.BinCount"/> values): the natural
    /// log of the power, shared by every computer that needs a log spectrum (decibels are <c>(10 / ln 10)·LogPower</c>).
    /// </summary>
    /// <remarks>
    /// The pipeline computes it on first access, once per frame of each channel, with the library's deterministic float log
    /// (error within 2 ulp; the same bits on every SIMD width), so a computer that does not read it costs nothing.
    /// </remarks>
    public ReadOnlySpan<float> LogPower => _lazyLogPower is null ? _logPower : _lazyLogPower.Get(Power);
}

/// <summary>The log power of the pipeline's current frame, computed at most once per frame.</summary>
internal sealed class LogPowerBuffer(int binCount)
{
    private readonly float[] _values = new float[binCount];
    private bool _current;

    /// <summary>Marks the buffer out of date: the pipeline has computed a new power spectrum.</summary>
    public void Invalidate() => _current = false;

    /// <summary>Gets ln(max(power, floor)) of the current frame, computing it on the first call after <see cref="Invalidate"/>.</summary>
    public ReadOnlySpan<float> Get(ReadOnlySpan<float> power)
    {
        if (!_current)
        {
            FastLog.ScaledLn(power, AnalysisFrame.LogPowerFloor, 1f, _values);
            _current = true;
        }

        return _values.AsSpan(0, power.Length);
    }
}
