using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Regeneration;

/// <summary>A regeneration job changed status (or reported progress). Published to <see cref="IRegenerationQueue.Subscribe"/> handlers.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Key">The {track, profile}.</param>
/// <param name="Descriptors">The descriptors of the job, in canonical order (grows while requests merge into a queued job).</param>
/// <param name="Reason">Why the job runs (the union of the merged requests' reasons).</param>
/// <param name="RequestingElementIds">Every element that asked for one of its descriptors, ordered (ordinal).</param>
/// <param name="Status">The status.</param>
/// <param name="Progress">Progress from 0 to 1 while running; 1 when succeeded; otherwise 0.</param>
/// <param name="CurrentDescriptor">The descriptor being computed, while running and when the analyzer reports it.</param>
/// <param name="Error">The error of a failed job, or of the last failed attempt of a job waiting for a retry.</param>
/// <param name="Attempt">The number of the current (or last) attempt; 0 before the first.</param>
/// <param name="Timestamp">When the change happened, from the queue's <see cref="TimeProvider"/>.</param>
public sealed record RegenerationStatusChanged(
    long JobId,
    CacheKey Key,
    IReadOnlyList<DescriptorId> Descriptors,
    RegenerationReason Reason,
    IReadOnlyList<string> RequestingElementIds,
    RegenerationStatus Status,
    double Progress,
    DescriptorId? CurrentDescriptor,
    Exception? Error,
    int Attempt,
    DateTimeOffset Timestamp)
{
    /// <summary>Gets a value indicating whether the status is final (succeeded, failed or cancelled).</summary>
    public bool IsFinal => Status is RegenerationStatus.Succeeded or RegenerationStatus.Failed or RegenerationStatus.Cancelled;
}
