using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Knows, for every track that has intents, whether its audio is the audio the cache was computed from: it fingerprints each
/// track file off the render thread (length, last write time, a hash of a few sampled blocks), watches the files and checks the
/// fingerprints periodically, and decodes a track in the background only when its fingerprint changed, to compare content
/// hashes. The differ asks it through <see cref="ITrackSourceHashProvider"/> and never waits for audio to be decoded.
/// </summary>
/// <remarks>
/// Work follows the intent bus: a track is watched from its first intent to the retraction of its last, and nothing is done for
/// a track without intents. When a track's status changes, the diff scheduler re-diffs the track's groups at the next frame.
/// See docs/intents-and-diffs.md ("Source identity").
/// </remarks>
public interface ITrackSourceMonitor
{
    /// <summary>Gets what is known now about a track's audio, without waiting.</summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <returns>The content hash, the error that keeps the track from being read, or <see cref="TrackSourceStatus.Unknown"/> (not checked yet, not watched, or monitoring is off).</returns>
    TrackSourceStatus GetStatus(string trackRef);

    /// <summary>
    /// Tells the monitor a track's audio may have changed: it is checked again and, if its fingerprint is unchanged or
    /// unavailable (a resolver without change tokens), decoded and hashed again. For hosts that change audio in ways a
    /// fingerprint cannot see. Does nothing for a track without intents.
    /// </summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    void NotifyChanged(string trackRef);

    /// <summary>
    /// Waits until no check started by a new intent, a file event, a periodic check or <see cref="NotifyChanged"/> is due or
    /// running (a retry of an unreadable track counts once it runs, not while it waits for its back-off delay), so a
    /// command-line tool can diff after the sources are known.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the monitor is idle.</returns>
    Task WhenIdleAsync(CancellationToken cancellationToken = default);
}
