namespace AudioVis.Cache.Regeneration;

/// <summary>Why descriptors are regenerated. A job that merged several requests carries the union of their reasons.</summary>
[Flags]
public enum RegenerationReason
{
    /// <summary>No reason (never the reason of a job).</summary>
    None = 0,

    /// <summary>The cache holds no entry for the descriptor.</summary>
    Missing = 1,

    /// <summary>The cached entry no longer matches the profile, the source audio or the calculator.</summary>
    Stale = 2,

    /// <summary>The user asked for a rerun.</summary>
    Manual = 4,
}
