namespace AudioVis.Cache.Diagnostics;

/// <summary>The status of a row of the diagnostics panel.</summary>
public enum DiagnosticsStatus
{
    /// <summary>Cached and up to date.</summary>
    Current = 0,

    /// <summary>Requested, not cached.</summary>
    Missing = 1,

    /// <summary>Cached, but computed from something that changed since (the row's reason says what).</summary>
    Stale = 2,

    /// <summary>Cached, requested by no element (offers Dismiss).</summary>
    Extraneous = 3,

    /// <summary>Requested, but not a descriptor the catalogue knows.</summary>
    Unknown = 4,

    /// <summary>Requested, but the track cannot be read (the reason names the problem).</summary>
    Unavailable = 5,

    /// <summary>Missing or stale, and its last regeneration failed (offers Retry).</summary>
    Failed = 6,

    /// <summary>Missing or stale, and a regeneration job for it is queued or running.</summary>
    Regenerating = 7,
}
