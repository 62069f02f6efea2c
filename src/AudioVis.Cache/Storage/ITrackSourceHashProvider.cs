namespace AudioVis.Cache.Storage;

/// <summary>
/// Tells the differ what it knows about a track's audio, so cached entries computed from older audio are reported stale
/// ("source audio changed") and entries of a track that cannot be read are reported unavailable.
/// </summary>
/// <remarks>
/// The default implementation is the track source monitor (<see cref="Analysis.ITrackSourceMonitor"/>, docs/intents-and-diffs.md):
/// it fingerprints the tracks that have intents off the render thread, re-hashes a track in the background when its fingerprint
/// changes, and answers from memory. The differ calls this on the render-frame path, once per changed {track, profile} group:
/// implementations must answer from memory and never decode audio here.
/// </remarks>
public interface ITrackSourceHashProvider
{
    /// <summary>Gets what is known about a track's audio.</summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The content hash, the error that keeps the track from being read, or <see cref="TrackSourceStatus.Unknown"/>.</returns>
    ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default);
}
