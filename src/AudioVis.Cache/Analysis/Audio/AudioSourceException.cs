namespace AudioVis.Cache.Analysis.Audio;

/// <summary>The base of the errors raised for audio that cannot be used; the message names the source and the problem.</summary>
public abstract class AudioSourceException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AudioSourceException"/> class.</summary>
    /// <param name="sourceName">The file path or host label of the audio.</param>
    /// <param name="message">The message, which names <paramref name="sourceName"/>.</param>
    /// <param name="innerException">The decoder's own exception, if any.</param>
    protected AudioSourceException(string sourceName, string message, Exception? innerException)
        : base(message, innerException)
    {
        SourceName = sourceName;
    }

    /// <summary>Gets the file path or host label of the audio (<see cref="IAudioSource.Name"/>).</summary>
    public string SourceName { get; }
}
