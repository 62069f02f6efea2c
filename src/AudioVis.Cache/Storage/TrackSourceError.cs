using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.Storage;

/// <summary>
/// Why a track's audio cannot be read: the typed error behind <see cref="Diffing.CacheDiff.Unavailable"/>. Compared by value,
/// so equal failures give equal diffs.
/// </summary>
/// <param name="TrackRef">The host's reference to the track.</param>
/// <param name="Problem">What kind of problem it is.</param>
/// <param name="ErrorType">The full name of the exception type that reported it, e.g. <c>AudioVis.Cache.Analysis.Audio.AudioFormatException</c>.</param>
/// <param name="Message">The exception's message (names the file and what is wrong).</param>
public sealed record TrackSourceError(string TrackRef, TrackSourceProblem Problem, string ErrorType, string Message)
{
    /// <summary>Gets a sentence for people, e.g. <c>track 'a.wav' cannot be read (Undecodable): …</c>.</summary>
    public string Description => $"track '{TrackRef}' cannot be read ({Problem}): {Message}";

    /// <summary>Classifies an exception thrown while resolving, fingerprinting or decoding a track.</summary>
    /// <param name="trackRef">The track.</param>
    /// <param name="exception">The exception.</param>
    /// <returns>The error.</returns>
    internal static TrackSourceError From(string trackRef, Exception exception)
    {
        var problem = exception switch
        {
            TrackRefOutsideAudioRootException => TrackSourceProblem.OutsideAudioRoot,
            FileNotFoundException or DirectoryNotFoundException => TrackSourceProblem.NotFound,
            UnauthorizedAccessException => TrackSourceProblem.AccessDenied,
            InvalidAudioSampleException => TrackSourceProblem.InvalidSample,
            AudioSourceException => TrackSourceProblem.Undecodable,
            IOException => TrackSourceProblem.IOError,
            _ => TrackSourceProblem.ResolverFailed,
        };
        return new TrackSourceError(trackRef, problem, exception.GetType().FullName ?? exception.GetType().Name, exception.Message);
    }
}
