namespace AudioVis.Cache.Profiles;

/// <summary>An analysis profile id is not registered, or was deleted.</summary>
public sealed class UnknownAnalysisProfileException : KeyNotFoundException
{
    /// <summary>Initializes a new instance of the <see cref="UnknownAnalysisProfileException"/> class.</summary>
    /// <param name="profileId">The id that was asked for.</param>
    /// <param name="wasDeleted"><see langword="true"/> when the profile existed and was removed.</param>
    public UnknownAnalysisProfileException(string profileId, bool wasDeleted)
        : base(wasDeleted
            ? $"Analysis profile '{profileId}' was deleted; choose a replacement profile."
            : $"Analysis profile '{profileId}' is not registered.")
    {
        ProfileId = profileId;
        WasDeleted = wasDeleted;
    }

    /// <summary>Gets the id that was asked for.</summary>
    public string ProfileId { get; }

    /// <summary>Gets a value indicating whether the profile existed and was removed (the host should offer a replacement).</summary>
    public bool WasDeleted { get; }
}
