using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Regeneration;

/// <summary>What a requester holds after <see cref="IRegenerationQueue.Enqueue"/>: the job it joined and the outcome to await.</summary>
public sealed class RegenerationTicket
{
    internal RegenerationTicket(long jobId, CacheKey key, Task<RegenerationOutcome> completion)
    {
        JobId = jobId;
        Key = key;
        Completion = completion;
    }

    /// <summary>
    /// Gets the id of the job the request joined or created (the first, when its descriptors were spread over several
    /// jobs); 0 when the request's token was already cancelled and nothing was enqueued.
    /// </summary>
    public long JobId { get; }

    /// <summary>Gets the {track, profile}.</summary>
    public CacheKey Key { get; }

    /// <summary>
    /// Gets a task that completes with the job's outcome (also when it failed or was cancelled), or is cancelled
    /// when this requester's own cancellation token fires.
    /// </summary>
    public Task<RegenerationOutcome> Completion { get; }
}
