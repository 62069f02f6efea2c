namespace AudioVis.Cache.Analysis;

/// <summary>A track reference resolves to a path outside the audio root (for example <c>../../etc/passwd</c>); nothing is opened.</summary>
public sealed class TrackRefOutsideAudioRootException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TrackRefOutsideAudioRootException"/> class.</summary>
    /// <param name="trackRef">The offending track reference.</param>
    /// <param name="audioRoot">The full path of the audio root.</param>
    public TrackRefOutsideAudioRootException(string trackRef, string audioRoot)
        : base($"Track reference '{trackRef}' resolves to a path outside the audio root '{audioRoot}'.")
    {
        TrackRef = trackRef;
        AudioRoot = audioRoot;
    }

    /// <summary>Gets the offending track reference.</summary>
    public string TrackRef { get; }

    /// <summary>Gets the full path of the audio root.</summary>
    public string AudioRoot { get; }
}
