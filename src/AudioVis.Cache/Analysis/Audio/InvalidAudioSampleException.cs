using System.Globalization;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// A decoded sample is NaN or infinite. Such samples are rejected rather than replaced, so that no feature is
/// silently computed from damaged audio; the exception names the first bad sample's position.
/// </summary>
public sealed class InvalidAudioSampleException : AudioSourceException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidAudioSampleException"/> class.</summary>
    /// <param name="sourceName">The file path or host label of the audio.</param>
    /// <param name="frameIndex">The 0-based frame of the sample.</param>
    /// <param name="channel">The 1-based channel of the sample.</param>
    /// <param name="value">The sample value (NaN or ±infinity).</param>
    /// <param name="sampleRate">The sample rate in Hz, used to give the time in the message.</param>
    public InvalidAudioSampleException(string sourceName, long frameIndex, int channel, float value, int sampleRate)
        : base(
            sourceName,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Audio '{sourceName}' has the non-finite sample {value} at frame {frameIndex} ({(double)frameIndex / sampleRate:0.######} s), channel {channel}; NaN and infinite samples are rejected."),
            null)
    {
        FrameIndex = frameIndex;
        Channel = channel;
        Value = value;
    }

    /// <summary>Gets the 0-based frame of the first non-finite sample.</summary>
    public long FrameIndex { get; }

    /// <summary>Gets the 1-based channel of the first non-finite sample.</summary>
    public int Channel { get; }

    /// <summary>Gets the sample value (NaN or ±infinity).</summary>
    public float Value { get; }
}
