using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage;

/// <summary>
/// What the cache holds for one descriptor of one {track, profile}: enough to tell whether it is still current,
/// and if not, why.
/// </summary>
public sealed record CacheMetadataRecord
{
    /// <summary>Initializes a new instance of the <see cref="CacheMetadataRecord"/> class.</summary>
    /// <param name="key">The {track, profile} the descriptor belongs to.</param>
    /// <param name="descriptor">The descriptor id.</param>
    /// <param name="profileRevisionHash">The revision hash of the profile parameters the entry was computed with.</param>
    /// <param name="parameters">
    /// The parameters the entry was computed with, so a diff can say which parameter changed; <see langword="null"/>
    /// when unknown (the diff then reports the revision as unknown).
    /// </param>
    /// <param name="sourceContentHash">A stable hash of the decoded audio the entry was computed from.</param>
    /// <param name="calculatorId">The id of the calculator that computed the entry.</param>
    /// <param name="calculatorVersion">The version of that calculator.</param>
    /// <param name="analyzedAt">When the analysis finished.</param>
    /// <exception cref="ArgumentException">An argument is empty or malformed; the message names it.</exception>
    public CacheMetadataRecord(
        CacheKey key,
        DescriptorId descriptor,
        ProfileRevisionHash profileRevisionHash,
        AnalysisParameters? parameters,
        string sourceContentHash,
        string calculatorId,
        int calculatorVersion,
        DateTimeOffset analyzedAt)
    {
        if (key.TrackRef is null)
        {
            throw new ArgumentException("The cache key is the default value; create it with new CacheKey(trackRef, profileId).", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(profileRevisionHash);
        ArgumentOutOfRangeException.ThrowIfNegative(calculatorVersion);
        if (parameters is not null && !profileRevisionHash.Equals(ProfileRevisionHash.Compute(parameters)))
        {
            throw new ArgumentException(
                $"The parameters of {descriptor} for {key} hash to {ProfileRevisionHash.Compute(parameters).Short}…, not to the record's revision {profileRevisionHash.Short}….",
                nameof(parameters));
        }

        Key = key;
        Descriptor = descriptor;
        ProfileRevisionHash = profileRevisionHash;
        Parameters = parameters;
        SourceContentHash = Guard.Token(sourceContentHash, "Source content hash");
        CalculatorId = Guard.Token(calculatorId, "Calculator id");
        CalculatorVersion = calculatorVersion;
        AnalyzedAt = analyzedAt;
    }

    /// <summary>Gets the {track, profile} the descriptor belongs to.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the host's reference to the track.</summary>
    public string TrackRef => Key.TrackRef;

    /// <summary>Gets the analysis profile id.</summary>
    public string AnalysisProfileId => Key.AnalysisProfileId;

    /// <summary>Gets the descriptor id.</summary>
    public DescriptorId Descriptor { get; }

    /// <summary>
    /// Gets the revision hash of the profile parameters the entry was computed with. It may differ from the profile's
    /// current revision while the entry is current: the differ compares only the parameters the descriptor depends on.
    /// </summary>
    public ProfileRevisionHash ProfileRevisionHash { get; }

    /// <summary>Gets the parameters the entry was computed with, when known.</summary>
    public AnalysisParameters? Parameters { get; }

    /// <summary>Gets the hash of the decoded audio the entry was computed from.</summary>
    public string SourceContentHash { get; }

    /// <summary>Gets the id of the calculator that computed the entry.</summary>
    public string CalculatorId { get; }

    /// <summary>Gets the version of that calculator.</summary>
    public int CalculatorVersion { get; }

    /// <summary>Gets when the analysis finished.</summary>
    public DateTimeOffset AnalyzedAt { get; }
}
