namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// Audio that cannot be decoded: an unrecognised or malformed file, a truncated header or stream, an unsupported
/// encoding, no frames, or a sample rate or channel count out of range. Decoder exceptions are kept as
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class AudioFormatException : AudioSourceException
{
    /// <summary>Initializes a new instance of the <see cref="AudioFormatException"/> class.</summary>
    /// <param name="sourceName">The file path or host label of the audio.</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What exactly is wrong, as a sentence fragment (for example "the sample rate is 2 Hz").</param>
    /// <param name="innerException">The decoder's own exception, if any.</param>
    public AudioFormatException(string sourceName, AudioFormatProblem problem, string detail, Exception? innerException = null)
        : base(sourceName, $"Audio '{sourceName}' cannot be read: {detail}.", innerException)
    {
        Problem = problem;
        Detail = detail;
    }

    /// <summary>Gets the kind of problem.</summary>
    public AudioFormatProblem Problem { get; }

    /// <summary>Gets what exactly is wrong.</summary>
    public string Detail { get; }
}
