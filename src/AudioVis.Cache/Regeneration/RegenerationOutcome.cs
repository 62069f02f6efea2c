using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Regeneration;

/// <summary>
/// How a regeneration job ended. Every requester that joined the job is completed with the same instance.
/// </summary>
/// <param name="JobId">The job id.</param>
/// <param name="Key">The {track, profile} the job ran for (the replacement's, when it was re-targeted).</param>
/// <param name="Status">The final status: <see cref="RegenerationStatus.Succeeded"/>, <see cref="RegenerationStatus.Failed"/> or <see cref="RegenerationStatus.Cancelled"/>.</param>
/// <param name="Descriptors">Every descriptor the job computed (merged requests included), in canonical order.</param>
/// <param name="Records">The metadata records the analyzer wrote; empty unless the job succeeded.</param>
/// <param name="Error">The error of the last attempt when the job failed; otherwise <see langword="null"/>.</param>
/// <param name="Attempts">How many attempts ran (attempts that failed while the worker was unavailable are not counted).</param>
public sealed record RegenerationOutcome(
    long JobId,
    CacheKey Key,
    RegenerationStatus Status,
    IReadOnlyList<DescriptorId> Descriptors,
    IReadOnlyList<CacheMetadataRecord> Records,
    Exception? Error,
    int Attempts)
{
    /// <summary>Gets a value indicating whether the job succeeded.</summary>
    public bool Succeeded => Status == RegenerationStatus.Succeeded;
}
