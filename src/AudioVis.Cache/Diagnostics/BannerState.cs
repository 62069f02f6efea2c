namespace AudioVis.Cache.Diagnostics;

/// <summary>What the cache banner says (<see cref="BannerViewModel.State"/>). Only <see cref="Hidden"/> is not shown.</summary>
public enum BannerState
{
    /// <summary>Nothing requires regeneration (or the diagnostics feature flag is off): no banner.</summary>
    Hidden = 0,

    /// <summary>Descriptors are missing or stale; Regenerate All would fix them.</summary>
    NeedsRegeneration = 1,

    /// <summary>Regeneration jobs are queued or running; <see cref="BannerViewModel.Progress"/> says how far they are.</summary>
    Regenerating = 2,

    /// <summary>"Regeneration paused": the analysis worker is offline; jobs resume when it reconnects.</summary>
    Paused = 3,

    /// <summary>"Queued after export": an export is in progress; jobs run when it ends.</summary>
    QueuedAfterExport = 4,

    /// <summary>An analysis profile was deleted: a blocking request to choose a replacement before regenerating.</summary>
    ProfileDeleted = 5,

    /// <summary>Regeneration of some descriptors failed; the host offers Retry.</summary>
    Failed = 6,
}
