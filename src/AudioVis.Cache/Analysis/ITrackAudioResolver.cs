using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Maps the host's track reference to its audio. The default resolver treats a track reference as a file path
/// relative to <c>AudioVisCacheOptions.AudioRoot</c>; hosts whose tracks live elsewhere (a database, a project
/// bundle, decoded PCM in memory) register their own with <c>UseTrackAudioResolver&lt;T&gt;()</c>.
/// </summary>
/// <remarks>Implementations must be safe to call concurrently; each <see cref="Open"/> returns a new source.</remarks>
public interface ITrackAudioResolver
{
    /// <summary>Opens the audio of a track for one sequential pass.</summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <returns>A new source; the caller disposes it.</returns>
    /// <exception cref="TrackRefOutsideAudioRootException">The reference points outside the resolver's root (default resolver).</exception>
    /// <exception cref="FileNotFoundException">The track's file does not exist (default resolver).</exception>
    /// <exception cref="AudioSourceException">The audio cannot be decoded.</exception>
    IAudioSource Open(string trackRef);

    /// <summary>
    /// Gets a cheap fingerprint that changes whenever the track's audio may have changed (the default resolver uses the
    /// file's length, last write time and a hash of a few sampled blocks), so the track source monitor re-hashes a track only
    /// when its fingerprint changes. Called off the render thread; it may read a little of the file, never decode it.
    /// </summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <returns>
    /// The token, or <see langword="null"/> when the track does not exist or changes cannot be detected (then the monitor
    /// knows no content hash for it unless the host calls <see cref="ITrackSourceMonitor.NotifyChanged"/>).
    /// </returns>
    /// <exception cref="TrackRefOutsideAudioRootException">The reference points outside the resolver's root (default resolver).</exception>
    string? GetChangeToken(string trackRef);

    /// <summary>
    /// Gets the file a track's audio is read from, so the track source monitor can watch it for changes (a
    /// <see cref="FileSystemWatcher"/> on its folder) and report a missing file as such.
    /// </summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <returns>The full path, or <see langword="null"/> (the default) when the track is not a file.</returns>
    /// <exception cref="TrackRefOutsideAudioRootException">The reference points outside the resolver's root (default resolver).</exception>
    string? GetFilePath(string trackRef) => null;
}
