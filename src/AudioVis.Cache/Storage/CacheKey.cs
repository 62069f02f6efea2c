using AudioVis.Cache.Internal;

namespace AudioVis.Cache.Storage;

/// <summary>The unit the scheduler, the store and the regeneration queue work in: one track analysed with one profile.</summary>
public readonly record struct CacheKey : IComparable<CacheKey>
{
    /// <summary>Initializes a new instance of the <see cref="CacheKey"/> struct.</summary>
    /// <param name="trackRef">The host's reference to the track (a path, URI or id): 1 to 1024 characters, no control characters.</param>
    /// <param name="analysisProfileId">The analysis profile id.</param>
    /// <exception cref="ArgumentException">An argument is empty or malformed; the message names it.</exception>
    public CacheKey(string trackRef, string analysisProfileId)
    {
        TrackRef = Guard.TrackRef(trackRef);
        AnalysisProfileId = Guard.ProfileId(analysisProfileId);
    }

    /// <summary>Gets the host's reference to the track.</summary>
    public string TrackRef { get; }

    /// <summary>Gets the analysis profile id.</summary>
    public string AnalysisProfileId { get; }

    /// <summary>Orders keys by track, then profile (ordinal).</summary>
    /// <param name="other">The other key.</param>
    /// <returns>The comparison result.</returns>
    public int CompareTo(CacheKey other)
    {
        var byTrack = string.CompareOrdinal(TrackRef, other.TrackRef);
        return byTrack != 0 ? byTrack : string.CompareOrdinal(AnalysisProfileId, other.AnalysisProfileId);
    }

    /// <inheritdoc/>
    public bool Equals(CacheKey other) =>
        string.Equals(TrackRef, other.TrackRef, StringComparison.Ordinal) &&
        string.Equals(AnalysisProfileId, other.AnalysisProfileId, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        TrackRef is null ? 0 : StringComparer.Ordinal.GetHashCode(TrackRef),
        AnalysisProfileId is null ? 0 : StringComparer.Ordinal.GetHashCode(AnalysisProfileId));

    /// <summary>Returns <c>trackRef | profileId</c>.</summary>
    /// <returns>The key as text.</returns>
    public override string ToString() => $"{TrackRef} | {AnalysisProfileId}";

    /// <summary>Ordering operator.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <(CacheKey left, CacheKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordering operator.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >(CacheKey left, CacheKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordering operator.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <=(CacheKey left, CacheKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering operator.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >=(CacheKey left, CacheKey right) => left.CompareTo(right) >= 0;
}
