namespace AudioVis.Cache.Analysis.Audio;

/// <summary>What is wrong with audio that cannot be read; see <see cref="AudioFormatException.Problem"/>.</summary>
public enum AudioFormatProblem
{
    /// <summary>The content is not WAV, MP3 or Ogg Vorbis.</summary>
    Unrecognized = 0,

    /// <summary>A header or the encoded data is corrupt.</summary>
    Malformed = 1,

    /// <summary>The file ends inside a header, or the audio ends before its declared length.</summary>
    Truncated = 2,

    /// <summary>The container is known but its encoding is not supported (for example ADPCM, µ-law or 64-bit float WAV).</summary>
    UnsupportedEncoding = 3,

    /// <summary>The audio has no frames.</summary>
    Empty = 4,

    /// <summary>The sample rate is outside <see cref="AudioSources.MinSampleRate"/>…<see cref="AudioSources.MaxSampleRate"/>.</summary>
    SampleRateOutOfRange = 5,

    /// <summary>The channel count is outside 1…<see cref="AudioSources.MaxChannelCount"/>.</summary>
    ChannelCountOutOfRange = 6,
}
