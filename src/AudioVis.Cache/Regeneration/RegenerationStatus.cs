namespace AudioVis.Cache.Regeneration;

/// <summary>Where a regeneration job is. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are final.</summary>
public enum RegenerationStatus
{
    /// <summary>Waiting for its turn (also reported while waiting for an automatic retry; the event then carries the last error).</summary>
    Queued = 0,

    /// <summary>The analyzer is computing its descriptors; events carry progress and the current descriptor.</summary>
    Running = 1,

    /// <summary>Final: every descriptor of the job was written.</summary>
    Succeeded = 2,

    /// <summary>Final: the analysis failed on its last attempt; the event carries the error. Can be retried.</summary>
    Failed = 3,

    /// <summary>Final: the job was cancelled (by <see cref="IRegenerationQueue.Cancel"/>, by all its requesters, or by disposal).</summary>
    Cancelled = 4,

    /// <summary>Waiting because the analysis worker is unavailable ("Regeneration paused"); resumes by itself on reconnect.</summary>
    Paused = 5,

    /// <summary>Waiting because an export is in progress ("Queued after export"); runs when the export ends.</summary>
    QueuedAfterExport = 6,

    /// <summary>Not run because its analysis profile was deleted; re-target it with <see cref="IRegenerationQueue.Retarget"/> or cancel it.</summary>
    NeedsReplacementProfile = 7,
}
