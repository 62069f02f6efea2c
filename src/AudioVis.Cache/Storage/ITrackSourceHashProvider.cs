namespace AudioVis.Cache.Storage;

/// <summary>
/// Tells the differ the current content hash of a track's decoded audio, so cached entries computed from older
/// audio are reported stale with the reason "source changed".
/// </summary>
/// <remarks>
/// The default implementation knows no hashes and returns <see langword="null"/>: source changes are then not
/// detected. Hosts that know when files change (or the analyzer's audio sources) provide a real one.
/// Implementations should cache: the differ asks once per changed {track, profile} group.
/// </remarks>
public interface ITrackSourceHashProvider
{
    /// <summary>Gets the current content hash of a track.</summary>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The hash, or <see langword="null"/> when it is not known.</returns>
    ValueTask<string?> GetSourceContentHashAsync(string trackRef, CancellationToken cancellationToken = default);
}

/// <summary>The default <see cref="ITrackSourceHashProvider"/>: knows no hashes.</summary>
internal sealed class UnknownTrackSourceHashProvider : ITrackSourceHashProvider
{
    public ValueTask<string?> GetSourceContentHashAsync(string trackRef, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trackRef);
        return ValueTask.FromResult<string?>(null);
    }
}
