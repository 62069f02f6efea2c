using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>A descriptor asks for a channel the audio does not have (for example <c>ch5</c> of a stereo file).</summary>
public sealed class AudioChannelNotAvailableException : AudioSourceException
{
    /// <summary>Initializes a new instance of the <see cref="AudioChannelNotAvailableException"/> class.</summary>
    /// <param name="sourceName">The file path or host label of the audio.</param>
    /// <param name="channel">The channel alias that was asked for.</param>
    /// <param name="channelCount">The number of channels the audio has.</param>
    public AudioChannelNotAvailableException(string sourceName, ChannelAlias channel, int channelCount)
        : base(
            sourceName,
            $"Audio '{sourceName}' has {channelCount} channel{(channelCount == 1 ? string.Empty : "s")}; channel '{channel}' needs at least {RequiredChannelCount(channel)}.",
            null)
    {
        Channel = channel;
        ChannelCount = channelCount;
    }

    /// <summary>Gets the channel alias that was asked for.</summary>
    public ChannelAlias Channel { get; }

    /// <summary>Gets the number of channels the audio has.</summary>
    public int ChannelCount { get; }

    internal static int RequiredChannelCount(ChannelAlias channel) =>
        channel.Kind == ChannelAliasKind.Numbered ? channel.Number : 1;
}
