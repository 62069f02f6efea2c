using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// The contract every reader shares: validated format, exact <see cref="FrameCount"/>, whole-frame reads,
/// decoder exceptions wrapped, non-finite samples rejected.
/// </summary>
internal abstract class AudioSourceBase : IAudioSource
{
    private long _position;
    private bool _disposed;

    protected AudioSourceBase(string name)
    {
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int SampleRate { get; private set; }

    /// <inheritdoc/>
    public int ChannelCount { get; private set; }

    /// <inheritdoc/>
    public long FrameCount { get; private set; }

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var channels = ChannelCount;
        if (interleaved.Length < channels)
        {
            throw new ArgumentException(
                $"The buffer holds {interleaved.Length} samples; at least one frame ({channels} samples) is needed.",
                nameof(interleaved));
        }

        var frames = (int)Math.Min(interleaved.Length / channels, FrameCount - _position);
        if (frames == 0)
        {
            return 0;
        }

        var destination = interleaved[..(frames * channels)];
        var filled = 0;
        while (filled < destination.Length)
        {
            int read;
            try
            {
                read = ReadCore(destination[filled..]);
            }
            catch (Exception ex) when (IsDecoderFailure(ex))
            {
                throw new AudioFormatException(
                    Name,
                    ex is EndOfStreamException ? AudioFormatProblem.Truncated : AudioFormatProblem.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"decoding failed near frame {_position + (filled / channels)} ({ex.Message})"),
                    ex);
            }

            if (read == 0)
            {
                throw new AudioFormatException(
                    Name,
                    AudioFormatProblem.Truncated,
                    string.Create(CultureInfo.InvariantCulture, $"the audio ends after {_position + (filled / channels)} of its {FrameCount} frames"));
            }

            filled += read;
        }

        RejectNonFinite(destination);
        _position += frames;
        return destination.Length;
    }

    /// <inheritdoc/>
    public void Rewind()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            RewindCore();
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new AudioFormatException(Name, AudioFormatProblem.Malformed, $"reopening the audio failed ({ex.Message})", ex);
        }

        _position = 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            DisposeCore();
        }
    }

    /// <summary>
    /// True for the exceptions decoders throw on bad data. Cancellation, our own errors and genuine I/O failures
    /// (other than reading past the end) pass through unchanged.
    /// </summary>
    internal static bool IsDecoderFailure(Exception ex) => ex switch
    {
        AudioSourceException or OperationCanceledException or OutOfMemoryException => false,
        EndOfStreamException => true,
        IOException => false,
        _ => true,
    };

    /// <summary>Checks the format and sets the properties; called once by each reader's constructor.</summary>
    protected void SetFormat(int sampleRate, int channelCount, long frameCount)
    {
        ValidateFormat(Name, sampleRate, channelCount, frameCount);
        SampleRate = sampleRate;
        ChannelCount = channelCount;
        FrameCount = frameCount;
    }

    internal static void ValidateFormat(string name, int sampleRate, int channelCount, long frameCount)
    {
        ValidateRanges(name, sampleRate, channelCount);
        if (frameCount <= 0)
        {
            throw new AudioFormatException(name, AudioFormatProblem.Empty, "the audio has no frames (zero length)");
        }
    }

    internal static void ValidateRanges(string name, int sampleRate, int channelCount)
    {
        if (sampleRate is < AudioSources.MinSampleRate or > AudioSources.MaxSampleRate)
        {
            throw new AudioFormatException(
                name,
                AudioFormatProblem.SampleRateOutOfRange,
                string.Create(CultureInfo.InvariantCulture, $"the sample rate is {sampleRate} Hz; {AudioSources.MinSampleRate}…{AudioSources.MaxSampleRate} Hz is supported"));
        }

        if (channelCount is < 1 or > AudioSources.MaxChannelCount)
        {
            throw new AudioFormatException(
                name,
                AudioFormatProblem.ChannelCountOutOfRange,
                string.Create(CultureInfo.InvariantCulture, $"the channel count is {channelCount}; 1…{AudioSources.MaxChannelCount} channels are supported"));
        }
    }

    /// <summary>Writes up to <paramref name="destination"/>.Length decoded samples; returns how many (0 at the end).</summary>
    protected abstract int ReadCore(Span<float> destination);

    /// <summary>Positions the decoder (or a fresh one) at the first frame.</summary>
    protected abstract void RewindCore();

    protected abstract void DisposeCore();

    private void RejectNonFinite(ReadOnlySpan<float> block)
    {
        if (AllFinite(block))
        {
            return;
        }

        for (var i = 0; i < block.Length; i++)
        {
            if (!float.IsFinite(block[i]))
            {
                throw new InvalidAudioSampleException(Name, _position + (i / ChannelCount), (i % ChannelCount) + 1, block[i], SampleRate);
            }
        }
    }

    // A float is finite unless all its exponent bits are set; the vector scan only answers "all finite?", and the scalar
    // loop of the caller then finds the first offending sample.
    private static bool AllFinite(ReadOnlySpan<float> block)
    {
        var bits = MemoryMarshal.Cast<float, int>(block);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var exponent = Vector512.Create(0x7F800000);
            var special = Vector512<int>.Zero;
            for (; i <= bits.Length - Vector512<int>.Count; i += Vector512<int>.Count)
            {
                special |= Vector512.Equals(Vector512.Create<int>(bits[i..]) & exponent, exponent);
            }

            if (special != Vector512<int>.Zero)
            {
                return false;
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var exponent = new Vector<int>(0x7F800000);
            var special = Vector<int>.Zero;
            for (; i <= bits.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                special |= Vector.Equals(new Vector<int>(bits[i..]) & exponent, exponent);
            }

            if (special != Vector<int>.Zero)
            {
                return false;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F800000) == 0x7F800000)
            {
                return false;
            }
        }

        return true;
    }
}
