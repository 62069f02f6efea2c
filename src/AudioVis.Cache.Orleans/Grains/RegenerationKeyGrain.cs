using AudioVis.Cache.Regeneration;
using Orleans.Placement;

namespace AudioVis.Cache.Orleans.Grains;

/// <inheritdoc cref="IRegenerationKeyGrain"/>
/// <remarks>
/// Holds only the tickets of requests in flight (in memory): a reactivation elsewhere answers "unknown" and clients re-send.
/// Placed at random: keys spread evenly over the silos whoever asks (the default, resource-optimised placement favours the
/// caller's silo while loads look alike, and its load statistics lag behind a burst of "Regenerate All").
/// </remarks>
[RandomPlacement]
internal sealed class RegenerationKeyGrain(RegenerationWorker worker) : Grain, IRegenerationKeyGrain
{
    private readonly Dictionary<Guid, Pending> _pending = [];

    public Task<long> EnqueueAsync(Guid requestId, WireRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_pending.TryGetValue(requestId, out var existing))
        {
            return Task.FromResult(existing.Ticket.JobId);
        }

        var cancellation = new CancellationTokenSource();
        var ticket = worker.Queue.Enqueue(request.ToRequest(), cancellation.Token);
        _pending[requestId] = new Pending(ticket, cancellation);
        return Task.FromResult(ticket.JobId);
    }

    public async Task<WireWait> WaitAsync(Guid requestId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(requestId, out var pending))
        {
            return new WireWait(null, Known: false);
        }

        // The caller gave up waiting: this requester leaves its job (the job is cancelled when all its requesters have left).
        using var registration = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), pending.Cancellation);
        try
        {
            var completion = pending.Ticket.Completion;
            await Task.WhenAny(completion, Task.Delay(maxWait, worker.Time, cancellationToken)).ConfigureAwait(true);
            cancellationToken.ThrowIfCancellationRequested();
            if (!completion.IsCompleted)
            {
                return new WireWait(null, Known: true);
            }

            var outcome = await completion.ConfigureAwait(true);

            // The client hears the outcome only once the job's history entry is stored (the queue appends it in the
            // background): a silo killed right after answering must not lose the entry of a job its ticket reported.
            await worker.Queue.FlushHistoryAsync().ConfigureAwait(true);
            return new WireWait(WireOutcome.From(outcome), Known: true);
        }
        finally
        {
            if (pending.Ticket.Completion.IsCompleted && _pending.Remove(requestId))
            {
                pending.Cancellation.Dispose();
            }
        }
    }

    public Task<bool> CancelAsync(long jobId) => Task.FromResult(worker.Queue.Cancel(jobId));

    public Task<WireRetry?> RetryAsync(long jobId, Guid requestId)
    {
        RegenerationTicket ticket;
        try
        {
            ticket = worker.Queue.Retry(jobId);
        }
        catch (InvalidOperationException)
        {
            return Task.FromResult<WireRetry?>(null);
        }

        _pending[requestId] = new Pending(ticket, new CancellationTokenSource());
        var request = worker.LastRequestOf(ticket.JobId) ?? throw new InvalidOperationException($"Regeneration job {ticket.JobId} left no request to re-send.");
        return Task.FromResult<WireRetry?>(new WireRetry(ticket.JobId, request));
    }

    public Task<string?> RetargetAsync(long jobId, string replacementProfileId)
    {
        try
        {
            worker.Queue.Retarget(jobId, replacementProfileId);
            return Task.FromResult<string?>(null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Profiles.UnknownAnalysisProfileException)
        {
            return Task.FromResult<string?>(ex.Message);
        }
    }

    private sealed record Pending(RegenerationTicket Ticket, CancellationTokenSource Cancellation);
}
