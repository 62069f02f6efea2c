namespace AudioVis.Cache.Analysis;

/// <summary>The length of tracks' audio, where known (the source monitor learns it when it hashes a track).</summary>
internal interface ITrackDurations
{
    /// <summary>Gets the length of a track's audio.</summary>
    /// <param name="trackRef">The track.</param>
    /// <param name="duration">The length, when known.</param>
    /// <returns><see langword="true"/> when known.</returns>
    bool TryGetDuration(string trackRef, out TimeSpan duration);
}

/// <summary>Knows no track lengths (a host's own <c>ITrackSourceHashProvider</c> is registered).</summary>
internal sealed class NoTrackDurations : ITrackDurations
{
    public static readonly NoTrackDurations Instance = new();

    public bool TryGetDuration(string trackRef, out TimeSpan duration)
    {
        duration = default;
        return false;
    }
}
