namespace AudioVis.Cache.Storage;

/// <summary>Why a track's audio cannot be read (<see cref="TrackSourceError.Problem"/>).</summary>
public enum TrackSourceProblem
{
    /// <summary>The track's file does not exist (or its folder does not).</summary>
    NotFound,

    /// <summary>The track reference resolves outside the audio root (<c>AudioVisCacheOptions.AudioRoot</c>); changing the file cannot fix it.</summary>
    OutsideAudioRoot,

    /// <summary>The process may not read the track's file.</summary>
    AccessDenied,

    /// <summary>The file is not audio the library can decode: unknown or unsupported format, empty, truncated or corrupt.</summary>
    Undecodable,

    /// <summary>The file decodes, but holds a sample that is not a finite number (NaN or infinity in a float WAV).</summary>
    InvalidSample,

    /// <summary>Reading the file failed with an I/O error (locked, network share gone…).</summary>
    IOError,

    /// <summary>The host's <c>ITrackAudioResolver</c> failed with another error.</summary>
    ResolverFailed,
}
