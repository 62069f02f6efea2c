using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Regeneration;

/// <summary>A job reached a final status (internal: the DI wiring records failures from it).</summary>
/// <param name="Outcome">The outcome every requester receives.</param>
/// <param name="ProfileRevision">The profile revision the job's last attempt ran with; null when it never ran.</param>
/// <param name="At">When it ended, from the queue's <see cref="TimeProvider"/>.</param>
internal sealed record RegenerationJobFinished(RegenerationOutcome Outcome, ProfileRevisionHash? ProfileRevision, DateTimeOffset At);
