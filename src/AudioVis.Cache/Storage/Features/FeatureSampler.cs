using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Reads the values of a feature blob at any time in seconds, for renderers: nearest or linear interpolation between
/// frames, optionally on smoothed frames. Sampling allocates nothing; smoothing is computed once, here, into a private
/// copy (without smoothing the sampler reads the blob's values in place).
/// </summary>
/// <remarks>
/// <para>
/// Frame <c>k</c> stands for the centre of its window: <c>t(k) = (k·hop + window/2) / sampleRate</c> seconds (see
/// <see cref="FeatureBlobHeader.GetFrameTime"/>). A time before the first frame's centre reads the first frame, a time
/// after the last frame's centre reads the last frame (clamping; no extrapolation).
/// </para>
/// <para>
/// Sampling options never change cache identity: the sampler reads the blob, it never changes it, and the options
/// are not part of any key. The sampler is immutable and safe to use from several threads.
/// </para>
/// <para>
/// <see cref="OpenAsync"/> gives a sampler for a {track, profile, descriptor} in one call: it opens the blob through the
/// store (memory-mapped for a file store) and owns it; dispose that sampler to close the blob. A sampler created from a
/// <see cref="FeatureBlob"/> or with <see cref="FromReader"/> owns nothing, and disposing it does nothing.
/// </para>
/// </remarks>
public sealed class FeatureSampler : IDisposable
{
    private readonly float[]? _values;
    private readonly IFeatureBlobReader? _reader;
    private IFeatureBlobReader? _owned;
    private readonly int _frameCount;
    private readonly int _valuesPerFrame;
    private readonly double _sampleRate;
    private readonly double _hop;
    private readonly double _halfWindow;
    private readonly bool _linear;

    /// <summary>Initializes a new instance of the <see cref="FeatureSampler"/> class.</summary>
    /// <param name="blob">The blob to sample; it needs at least one frame.</param>
    /// <param name="options">How to sample; <see langword="null"/> for <see cref="FeatureSamplingOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="blob"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="blob"/> has no frames.</exception>
    public FeatureSampler(FeatureBlob blob, FeatureSamplingOptions? options = null)
        : this(blob?.Header!, options, nameof(blob))
    {
        _values = Options.Smoothing.Kind switch
        {
            FeatureSmoothingKind.MovingAverage when Options.Smoothing.Frames > 1 => MovingAverage(blob!.ValueSpan, _frameCount, _valuesPerFrame, Options.Smoothing.Frames),
            FeatureSmoothingKind.Exponential => Exponential(blob!.ValueSpan, _frameCount, _valuesPerFrame, ExponentialAlpha(Header, Options.Smoothing.TimeConstant)),
            _ => blob!.SharedValueArray, // immutable: shared, not copied
        };
    }

    /// <summary>
    /// Creates a sampler that samples through a reader (<see cref="IFeatureStore.OpenReaderAsync"/>), so a memory-mapped
    /// blob is touched only where it is sampled.
    /// </summary>
    /// <param name="reader">
    /// The reader; it needs at least one frame. The sampler does not own it: keep it open while sampling and dispose it after.
    /// </param>
    /// <param name="options">
    /// How to sample; <see langword="null"/> for <see cref="FeatureSamplingOptions.Default"/>. With smoothing, every frame is
    /// read once, here, and the smoothed values are kept in memory (ValuesPerFrame × FrameCount floats).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="reader"/> has no frames.</exception>
    /// <returns>The sampler.</returns>
    /// <exception cref="CorruptFeatureBlobException">With smoothing: a chunk of the blob fails its checksum.</exception>
    public static FeatureSampler FromReader(IFeatureBlobReader reader, FeatureSamplingOptions? options = null) => new(reader, options);

    private FeatureSampler(IFeatureBlobReader reader, FeatureSamplingOptions? options)
        : this(reader?.Header!, options, nameof(reader))
    {
        if (reader is FeatureBlobMemoryReader memory && Options.Smoothing.Kind == FeatureSmoothingKind.None)
        {
            _values = memory.Blob.SharedValueArray;
            return;
        }

        if (Options.Smoothing.Kind == FeatureSmoothingKind.None || Options.Smoothing is { Kind: FeatureSmoothingKind.MovingAverage, Frames: <= 1 })
        {
            _reader = reader;
            return;
        }

        var values = new float[Header.ValueCount];
        reader!.ReadFrames(0, values);
        _values = Options.Smoothing.Kind == FeatureSmoothingKind.MovingAverage
            ? MovingAverage(values, _frameCount, _valuesPerFrame, Options.Smoothing.Frames)
            : Exponential(values, _frameCount, _valuesPerFrame, ExponentialAlpha(Header, Options.Smoothing.TimeConstant));
    }

    private FeatureSampler(FeatureBlobHeader header, FeatureSamplingOptions? options, string paramName)
    {
        ArgumentNullException.ThrowIfNull(header, paramName);
        if (header.FrameCount == 0)
        {
            throw new ArgumentException($"The blob of {header.Descriptor} for {header.Key} has no frames to sample.", paramName);
        }

        Header = header;
        Options = options ?? FeatureSamplingOptions.Default;
        _frameCount = header.FrameCount;
        _valuesPerFrame = header.ValuesPerFrame;
        _sampleRate = header.SampleRate;
        _hop = header.HopSize;
        _halfWindow = header.WindowSize / 2.0;
        _linear = Options.Interpolation == FeatureInterpolation.Linear;
    }

    /// <summary>
    /// Opens the blob of one descriptor of one {track, profile} and returns a sampler that owns it: the one call a renderer
    /// needs per element. With the file store (<see cref="DependencyInjection.AudioVisCacheOptions.FeatureCacheRoot"/> set) the blob is memory-mapped and only the chunks sampled
    /// are read (and verified, the first time).
    /// </summary>
    /// <param name="store">The feature store (from dependency injection: <see cref="IFeatureStore"/>).</param>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <param name="options">How to sample; <see langword="null"/> for <see cref="FeatureSamplingOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The sampler (dispose it to close the blob), or <see langword="null"/> when no blob is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="descriptor"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stored blob has no frames.</exception>
    /// <exception cref="CorruptFeatureBlobException">The blob fails verification when opened (or, with smoothing, when read).</exception>
    public static async ValueTask<FeatureSampler?> OpenAsync(
        IFeatureStore store, CacheKey key, DescriptorId descriptor, FeatureSamplingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(descriptor);
        if (await store.OpenReaderAsync(key, descriptor, cancellationToken).ConfigureAwait(false) is not { } reader)
        {
            return null;
        }

        try
        {
            var sampler = new FeatureSampler(reader, options);
            sampler._owned = reader;
            return sampler;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Closes the blob when the sampler was opened with <see cref="OpenAsync"/>; otherwise does nothing.</summary>
    public void Dispose() => Interlocked.Exchange(ref _owned, null)?.Dispose();

    /// <summary>Gets the header of the sampled blob.</summary>
    public FeatureBlobHeader Header { get; }

    /// <summary>Gets the sampling options.</summary>
    public FeatureSamplingOptions Options { get; }

    /// <summary>Gets the number of values in each frame: the length <see cref="Sample(double, Span{float})"/> writes.</summary>
    public int ValuesPerFrame => _valuesPerFrame;

    /// <summary>Samples the first value of the frames at a time (the only value of a one-value descriptor such as <c>rms</c>).</summary>
    /// <param name="seconds">The time in seconds from the start of the track: finite, 0 or more.</param>
    /// <returns>The interpolated (and smoothed) value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN, infinite or negative.</exception>
    public float Sample(double seconds) => Sample(seconds, 0);

    /// <summary>Samples one value of the frames at a time.</summary>
    /// <param name="seconds">The time in seconds from the start of the track: finite, 0 or more.</param>
    /// <param name="valueIndex">Which value of the frame, 0 to ValuesPerFrame − 1 (e.g. the band of <c>spectrum.bands32</c>).</param>
    /// <returns>The interpolated (and smoothed) value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN, infinite or negative, or <paramref name="valueIndex"/> is out of range.</exception>
    public float Sample(double seconds, int valueIndex)
    {
        if ((uint)valueIndex >= (uint)_valuesPerFrame)
        {
            ThrowValueIndexOutOfRange(valueIndex);
        }

        Locate(seconds, out var frame, out var fraction);
        var a = Value(frame, valueIndex);
        if (fraction == 0)
        {
            return a;
        }

        var b = Value(frame + 1, valueIndex);
        return (float)(a + (fraction * ((double)b - a)));
    }

    /// <summary>Samples every value of the frames at a time (e.g. all 32 bands of <c>spectrum.bands32</c>).</summary>
    /// <param name="seconds">The time in seconds from the start of the track: finite, 0 or more.</param>
    /// <param name="destination">Receives <see cref="ValuesPerFrame"/> values in its first elements; it must be at least that long.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN, infinite or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="ValuesPerFrame"/>.</exception>
    public void Sample(double seconds, Span<float> destination)
    {
        if (destination.Length < _valuesPerFrame)
        {
            ThrowDestinationTooShort(destination.Length);
        }

        Locate(seconds, out var frame, out var fraction);
        if (_values is null)
        {
            SampleFromReader(frame, fraction, destination[.._valuesPerFrame]);
            return;
        }

        var a = _values.AsSpan(frame * _valuesPerFrame, _valuesPerFrame);
        if (fraction == 0)
        {
            a.CopyTo(destination);
            return;
        }

        var b = _values.AsSpan((frame + 1) * _valuesPerFrame, _valuesPerFrame);
        for (var i = 0; i < a.Length; i++)
        {
            destination[i] = (float)(a[i] + (fraction * ((double)b[i] - a[i])));
        }
    }

    /// <summary>Finds the frame at or before a time and how far towards the next frame the time lies (0 for nearest).</summary>
    private float Value(int frame, int valueIndex) =>
        _values is { } values ? values[(frame * _valuesPerFrame) + valueIndex] : _reader!.ReadValue(frame, valueIndex);

    private void SampleFromReader(int frame, double fraction, Span<float> destination)
    {
        _reader!.ReadFrames(frame, destination);
        if (fraction == 0)
        {
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var a = destination[i];
            destination[i] = (float)(a + (fraction * ((double)_reader.ReadValue(frame + 1, i) - a)));
        }
    }

    private void Locate(double seconds, out int frame, out double fraction)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            ThrowBadTime(seconds);
        }

        var position = ((seconds * _sampleRate) - _halfWindow) / _hop;
        fraction = 0;
        if (position <= 0)
        {
            frame = 0;
            return;
        }

        if (position >= _frameCount - 1)
        {
            frame = _frameCount - 1;
            return;
        }

        if (!_linear)
        {
            frame = (int)Math.Floor(position + 0.5);
            return;
        }

        frame = (int)Math.Floor(position);
        fraction = position - frame;
    }

    private static double ExponentialAlpha(FeatureBlobHeader header, TimeSpan timeConstant) =>
        -double.ExpM1(-header.HopSize / (header.SampleRate * timeConstant.TotalSeconds));

    private static float[] MovingAverage(ReadOnlySpan<float> values, int frames, int width, int length)
    {
        var half = length / 2;
        var result = new float[values.Length];
        for (var v = 0; v < width; v++)
        {
            // Running sum over the window [k − half, k + half] ∩ [0, frames − 1], in double.
            var sum = 0.0;
            for (var j = 0; j < Math.Min(half, frames); j++)
            {
                sum += values[(j * width) + v];
            }

            for (var k = 0; k < frames; k++)
            {
                var enter = k + half;
                if (enter < frames)
                {
                    sum += values[(enter * width) + v];
                }

                var leave = k - half - 1;
                if (leave >= 0)
                {
                    sum -= values[(leave * width) + v];
                }

                var count = Math.Min(frames - 1, k + half) - Math.Max(0, k - half) + 1;
                result[(k * width) + v] = (float)(sum / count);
            }
        }

        return result;
    }

    private static float[] Exponential(ReadOnlySpan<float> values, int frames, int width, double alpha)
    {
        var result = new float[values.Length];
        for (var v = 0; v < width; v++)
        {
            double y = values[v];
            result[v] = values[v];
            for (var k = 1; k < frames; k++)
            {
                y += alpha * (values[(k * width) + v] - y);
                result[(k * width) + v] = (float)y;
            }
        }

        return result;
    }

    [DoesNotReturn]
    private static void ThrowBadTime(double seconds) =>
        throw new ArgumentOutOfRangeException(
            nameof(seconds), seconds, $"The sampling time must be a finite number of seconds, 0 or more; got {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");

    [DoesNotReturn]
    private void ThrowValueIndexOutOfRange(int valueIndex) =>
        throw new ArgumentOutOfRangeException(
            nameof(valueIndex), valueIndex, $"Value index {valueIndex} is outside the {_valuesPerFrame} values per frame (0…{_valuesPerFrame - 1}) of {Header.Descriptor}.");

    [DoesNotReturn]
    private void ThrowDestinationTooShort(int length) =>
        throw new ArgumentException(
            $"The destination holds {length} values, but each frame of {Header.Descriptor} has {_valuesPerFrame}.", "destination");
}
