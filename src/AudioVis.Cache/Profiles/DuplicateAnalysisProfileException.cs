namespace AudioVis.Cache.Profiles;

/// <summary>A profile was added under an id that is already registered.</summary>
public sealed class DuplicateAnalysisProfileException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="DuplicateAnalysisProfileException"/> class.</summary>
    /// <param name="profileId">The id that is already registered.</param>
    public DuplicateAnalysisProfileException(string profileId)
        : base($"Analysis profile '{profileId}' is already registered; use Replace to change its parameters.")
    {
        ProfileId = profileId;
    }

    /// <summary>Gets the id that is already registered.</summary>
    public string ProfileId { get; }
}
