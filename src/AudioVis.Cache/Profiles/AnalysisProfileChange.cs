namespace AudioVis.Cache.Profiles;

/// <summary>What happened to a profile in the registry.</summary>
public enum AnalysisProfileChangeKind
{
    /// <summary>A profile was added.</summary>
    Added = 0,

    /// <summary>A profile was replaced by one with the same id (its parameters may have changed).</summary>
    Replaced = 1,

    /// <summary>A profile was removed.</summary>
    Removed = 2,
}

/// <summary>A change in the <see cref="IAnalysisProfileRegistry"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ProfileId">The id of the profile.</param>
/// <param name="Previous">The profile before the change; <see langword="null"/> for <see cref="AnalysisProfileChangeKind.Added"/>.</param>
/// <param name="Current">The profile after the change; <see langword="null"/> for <see cref="AnalysisProfileChangeKind.Removed"/>.</param>
public sealed record AnalysisProfileChange(AnalysisProfileChangeKind Kind, string ProfileId, AnalysisProfile? Previous, AnalysisProfile? Current);
