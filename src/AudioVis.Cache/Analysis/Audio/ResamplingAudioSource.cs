using System.Globalization;
using NAudio.Dsp;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// Presents a decoded source at another sample rate, through NAudio.Core's <see cref="WdlResampler"/> (a managed port of
/// Cockos WDL's resampler) in windowed-sinc mode with <see cref="SincSize"/> taps and <see cref="SincPhases"/> phases.
/// </summary>
/// <remarks>
/// <para>
/// Quality, measured by ResamplingAudioSourceTests (tones in double precision as the oracle): passband ripple below
/// 0.001 dB up to 0.9 × the lower Nyquist frequency, stopband (everything above the output Nyquist frequency when
/// downsampling) at least 110 dB down. The filter is WDL's Blackman–Harris windowed sinc, its cutoff at 0.97 × the
/// lower Nyquist frequency when downsampling and at the input Nyquist frequency when upsampling.
/// </para>
/// <para>
/// Deterministic: WDL's code is scalar, with double accumulators and no fused multiply-add, so the output has the same
/// bits on every SIMD path (checked in a child process with AVX-512, AVX2 and all hardware intrinsics switched off).
/// The output frame count is <c>max(1, ⌊frames · target / rate⌋)</c>, known up front; the filter's delay is
/// compensated by WDL, and the tail past the input is flushed from zero padding.
/// </para>
/// <para>
/// The inner source is read once, in order, and every block it returns is appended to the optional hasher, so the
/// content hash stays that of the audio as decoded (a <see cref="Rewind"/> would append the audio again: the analyzer
/// reads once). The inner source is not disposed by this one.
/// </para>
/// </remarks>
internal sealed class ResamplingAudioSource : IAudioSource
{
    /// <summary>Taps of the windowed-sinc filter (WDL's <c>sinc_size</c>).</summary>
    public const int SincSize = 384;

    /// <summary>Filter phases between two input samples, linearly interpolated (WDL's <c>sinc_interpsize</c>).</summary>
    public const int SincPhases = 256;

    /// <summary>
    /// Bumped whenever our use of the resampler changes its output (settings, block handling, flushing). The library and
    /// its version are part of <see cref="Id"/> on their own.
    /// </summary>
    private const int Revision = 1;

    private readonly IAudioSource _inner;
    private readonly AudioContentHasher? _hasher;
    private readonly int _channels;
    private WdlResampler _resampler;
    private long _position;
    private bool _innerEnded;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ResamplingAudioSource"/> class.</summary>
    /// <param name="inner">The decoded audio, at its first frame.</param>
    /// <param name="targetSampleRate">The output rate in Hz.</param>
    /// <param name="hasher">Receives every block read from <paramref name="inner"/>; may be <see langword="null"/>.</param>
    public ResamplingAudioSource(IAudioSource inner, int targetSampleRate, AudioContentHasher? hasher)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSampleRate);
        _inner = inner;
        _hasher = hasher;
        _channels = inner.ChannelCount;
        SampleRate = targetSampleRate;
        FrameCount = GetFrameCount(inner.FrameCount, inner.SampleRate, targetSampleRate);
        _resampler = CreateResampler(inner.SampleRate, targetSampleRate);
    }

    /// <summary>
    /// Gets the identity and version of the resampler, e.g. <c>resample.naudio-wdl-3.3.0.0.sinc384x256.r1</c>: an entry
    /// computed from resampled audio carries it in its calculator id (see <see cref="QualifyCalculatorId"/>), so a
    /// different library version, setting or revision makes the entry stale.
    /// </summary>
    public static string Id { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"resample.naudio-wdl-{typeof(WdlResampler).Assembly.GetName().Version}.sinc{SincSize}x{SincPhases}.r{Revision}");

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public int SampleRate { get; }

    /// <inheritdoc/>
    public int ChannelCount => _channels;

    /// <inheritdoc/>
    public long FrameCount { get; }

    /// <summary>The frame count after resampling: <c>max(1, ⌊frames · target / rate⌋)</c>.</summary>
    /// <param name="frames">The input frame count.</param>
    /// <param name="sampleRate">The input rate in Hz.</param>
    /// <param name="targetSampleRate">The output rate in Hz.</param>
    /// <returns>The output frame count.</returns>
    public static long GetFrameCount(long frames, int sampleRate, int targetSampleRate) =>
        Math.Max(1, (long)((Int128)frames * targetSampleRate / sampleRate));

    /// <summary>The calculator id recorded for an entry computed from resampled audio: <c>{calculatorId}+{Id}</c>.</summary>
    /// <param name="calculatorId">The calculator's own id.</param>
    /// <returns>The qualified id.</returns>
    public static string QualifyCalculatorId(string calculatorId) => calculatorId + "+" + Id;

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (interleaved.Length < _channels)
        {
            throw new ArgumentException(
                $"The buffer holds {interleaved.Length} samples; at least one frame ({_channels} samples) is needed.",
                nameof(interleaved));
        }

        var frames = (int)Math.Min(interleaved.Length / _channels, FrameCount - _position);
        var produced = 0;
        while (produced < frames)
        {
            var wanted = frames - produced;
            var needed = _resampler.ResamplePrepare(wanted, _channels, out var input);
            var filled = 0;
            while (filled < needed && !_innerEnded)
            {
                var destination = input.Slice(filled * _channels, (needed - filled) * _channels);
                var read = _inner.Read(destination);
                if (read <= 0)
                {
                    _innerEnded = true;
                    break;
                }

                _hasher?.Append(destination[..read]);
                filled += read / _channels;
            }

            // Fewer input frames than asked for makes WDL flush: it pads with zeros and returns the remaining valid frames.
            var got = _resampler.ResampleOut(interleaved.Slice(produced * _channels, wanted * _channels), filled, wanted, _channels);
            produced += got;
            if (got == 0 && _innerEnded)
            {
                // Everything the filter could give is out; the rest of the promised frames is the silence after the track.
                interleaved.Slice(produced * _channels, wanted * _channels).Clear();
                produced = frames;
            }
        }

        _position += frames;
        return frames * _channels;
    }

    /// <inheritdoc/>
    public void Rewind()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _inner.Rewind();
        _resampler = CreateResampler(_inner.SampleRate, SampleRate);
        _position = 0;
        _innerEnded = false;
    }

    /// <inheritdoc/>
    /// <remarks>Does not dispose the inner source: whoever opened it does.</remarks>
    public void Dispose() => _disposed = true;

    private static WdlResampler CreateResampler(int sampleRate, int targetSampleRate)
    {
        var resampler = new WdlResampler();
        resampler.SetMode(interp: true, filtercnt: 0, sinc: true, sinc_size: SincSize, sinc_interpsize: SincPhases);
        resampler.SetFeedMode(false);
        resampler.SetRates(sampleRate, targetSampleRate);
        return resampler;
    }
}
