namespace AudioVis.Cache.Storage;

/// <summary>What the differ knows about a track's audio: its content hash, that it cannot be read, or nothing yet.</summary>
/// <remarks>A value type, so providers answer the differ without allocating on the render-frame path.</remarks>
public readonly record struct TrackSourceStatus
{
    private TrackSourceStatus(string? contentHash, TrackSourceError? error)
    {
        ContentHash = contentHash;
        Error = error;
    }

    /// <summary>Gets the status of a track whose audio is not known (yet): source changes are not reported for it.</summary>
    public static TrackSourceStatus Unknown => default;

    /// <summary>Gets the content hash of the track's decoded audio (<see cref="Analysis.Audio.AudioContentHasher"/>); <see langword="null"/> unless <see cref="IsKnown"/>.</summary>
    public string? ContentHash { get; }

    /// <summary>Gets why the track cannot be read; <see langword="null"/> unless <see cref="IsUnreadable"/>.</summary>
    public TrackSourceError? Error { get; }

    /// <summary>Gets a value indicating whether the content hash is known.</summary>
    public bool IsKnown => ContentHash is not null;

    /// <summary>Gets a value indicating whether the track cannot be read: the diff reports its descriptors <see cref="Diffing.CacheDiff.Unavailable"/>.</summary>
    public bool IsUnreadable => Error is not null;

    /// <summary>Creates the status of a track whose content hash is known.</summary>
    /// <param name="contentHash">The content hash.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentException"><paramref name="contentHash"/> is null or empty.</exception>
    public static TrackSourceStatus Known(string contentHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        return new TrackSourceStatus(contentHash, null);
    }

    /// <summary>Creates the status of a track that cannot be read.</summary>
    /// <param name="error">Why.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is <see langword="null"/>.</exception>
    public static TrackSourceStatus Unreadable(TrackSourceError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new TrackSourceStatus(null, error);
    }

    /// <summary>Returns <c>known &lt;hash&gt;</c>, <c>unreadable (&lt;problem&gt;)</c> or <c>unknown</c>.</summary>
    /// <returns>The status as text.</returns>
    public override string ToString() => IsKnown ? $"known {ContentHash}" : IsUnreadable ? $"unreadable ({Error!.Problem})" : "unknown";
}
