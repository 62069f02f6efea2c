using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;

namespace AudioVis.Cache.Regeneration;

/// <summary>
/// Where caches change: runs the analyzer for regeneration jobs, one job at a time per {track, profile} and in
/// order, different keys concurrently up to <see cref="RegenerationOptions.MaxDegreeOfParallelism"/>.
/// </summary>
/// <remarks>
/// <para><b>Deduplication.</b> A request for a descriptor that a queued or running job already computes joins that
/// job; the descriptors no job computes yet merge into the key's last job if it has not started, or form a new
/// job. So exactly one analysis runs per descriptor at a time, and every requester of a job is completed with the
/// same <see cref="RegenerationOutcome"/>.</para>
/// <para><b>Waiting states.</b> While <see cref="IAnalysisAvailability"/> reports the worker unavailable, nothing
/// starts and waiting jobs are <see cref="RegenerationStatus.Paused"/>; a job that fails while the worker is
/// unavailable goes back to the head of its key without spending an attempt. While an
/// <see cref="IExportCoordinator"/> scope is open, running jobs finish and waiting ones are
/// <see cref="RegenerationStatus.QueuedAfterExport"/>.</para>
/// <para><b>Determinism.</b> The queue never writes the store: the analyzer writes the entries of the job's
/// descriptors and nothing else, so a job (failed or not) leaves every other entry untouched.</para>
/// <para>Thread-safe. Status handlers run synchronously, in order, while the queue holds its lock: keep them
/// short (calling the queue from a handler is allowed).</para>
/// <para><b>Disposal.</b> Disposing stops the queue: waiting jobs end <see cref="RegenerationStatus.Cancelled"/>,
/// running ones are cancelled and awaited up to <see cref="RegenerationOptions.DisposeTimeout"/>, then reported
/// cancelled, and every job's history entry is appended before the dispose task completes. Disposing from a status
/// handler (synchronously or not, also through a container's <c>Dispose</c> or a continuation the handler ran inline)
/// is allowed: the queue stops taking work at once, the rest runs after the handler returns, and a synchronous
/// <c>Dispose</c> there returns without waiting for it; await <see cref="IAsyncDisposable.DisposeAsync"/> (same task)
/// to know when it is done.</para>
/// </remarks>
public interface IRegenerationQueue : IAsyncDisposable
{
    /// <summary>Gets a value indicating whether the queue is paused because the analysis worker is unavailable.</summary>
    bool IsPaused { get; }

    /// <summary>Gets a value indicating whether new jobs wait because an export is in progress.</summary>
    bool IsDeferredByExport { get; }

    /// <summary>Enqueues a request, joining or merging into existing jobs where it can.</summary>
    /// <param name="request">What to regenerate.</param>
    /// <param name="cancellationToken">
    /// Stops this requester waiting (its <see cref="RegenerationTicket.Completion"/> is cancelled). The job itself
    /// is cancelled only when every one of its requesters has cancelled.
    /// </param>
    /// <returns>The ticket to await.</returns>
    /// <exception cref="Profiles.UnknownAnalysisProfileException">The request's profile was never registered (a deleted profile is accepted: the job reports <see cref="RegenerationStatus.NeedsReplacementProfile"/>).</exception>
    /// <exception cref="ObjectDisposedException">The queue was disposed.</exception>
    /// <exception cref="InvalidOperationException">The queue's dispatcher faulted (never expected; logged as event 2008).</exception>
    RegenerationTicket Enqueue(RegenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a request and waits for its outcome.</summary>
    /// <param name="request">What to regenerate.</param>
    /// <param name="cancellationToken">Stops this requester waiting; see <see cref="Enqueue"/>.</param>
    /// <returns>The outcome of the job (also when it failed or was cancelled by someone else).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    Task<RegenerationOutcome> RegenerateAsync(RegenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>The banner's "Regenerate All": enqueues the missing and stale descriptors of every diff that needs regeneration.</summary>
    /// <param name="diffs">The diffs (typically <see cref="IDiffScheduler.GetLatestDiffs"/>); diffs of deleted profiles are skipped (the host asks for a replacement first).</param>
    /// <returns>One ticket per key enqueued, in key order.</returns>
    /// <remarks>Descriptors listed in <see cref="CacheDiff.Failed"/> are skipped: their last regeneration failed against the inputs they still have. Use <see cref="RegenerateAll(IEnumerable{CacheDiff}, bool)"/> to include them.</remarks>
    IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs);

    /// <summary>The banner's "Regenerate All", optionally including descriptors whose last regeneration failed.</summary>
    /// <param name="diffs">The diffs (typically <see cref="IDiffScheduler.GetLatestDiffs"/>); diffs of deleted profiles are skipped.</param>
    /// <param name="includeFailed">
    /// <see langword="true"/> to enqueue the descriptors of <see cref="CacheDiff.Failed"/> too (enqueueing them clears their failed
    /// state until they fail again); <see langword="false"/> to skip them, as <see cref="RegenerateAll(IEnumerable{CacheDiff})"/> does.
    /// </param>
    /// <returns>One ticket per key enqueued, in key order.</returns>
    IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs, bool includeFailed);

    /// <summary>The panel's per-descriptor "Regenerate": enqueues one descriptor of a diff's key.</summary>
    /// <param name="diff">The diff the row belongs to.</param>
    /// <param name="descriptor">The descriptor; its reason is Missing or Stale from the diff, otherwise Manual.</param>
    /// <returns>The ticket.</returns>
    /// <remarks>A descriptor in <see cref="CacheDiff.Failed"/> is enqueued too (the user asked for it), which clears its failed state.</remarks>
    RegenerationTicket Regenerate(CacheDiff diff, DescriptorId descriptor);

    /// <summary>Enqueues a failed or cancelled job again, with the same descriptors, reason and elements.</summary>
    /// <param name="jobId">The id of the failed or cancelled job (the queue remembers the last 1024).</param>
    /// <returns>The ticket of the job that now computes them.</returns>
    /// <exception cref="InvalidOperationException">The job is not a failed or cancelled job the queue remembers.</exception>
    /// <remarks>Clears the failed state of the job's descriptors (<see cref="CacheDiff.Failed"/>; <see cref="FailedDescriptor.JobId"/> is the id to pass) until they fail again.</remarks>
    RegenerationTicket Retry(long jobId);

    /// <summary>Moves a job that needs a replacement profile to another profile and queues it again (its requesters keep waiting).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="replacementProfileId">The id of a registered profile.</param>
    /// <exception cref="InvalidOperationException">The job is not waiting for a replacement profile.</exception>
    /// <exception cref="Profiles.UnknownAnalysisProfileException">The replacement profile is not registered.</exception>
    void Retarget(long jobId, string replacementProfileId);

    /// <summary>Cancels a job for all its requesters: a waiting job ends at once, a running one when the analyzer observes cancellation.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns><see langword="true"/> when the job was found and not final yet.</returns>
    bool Cancel(long jobId);

    /// <summary>Subscribes to status changes of every job.</summary>
    /// <param name="handler">Called for every change; see the remarks of <see cref="IRegenerationQueue"/>.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<RegenerationStatusChanged> handler);
}
