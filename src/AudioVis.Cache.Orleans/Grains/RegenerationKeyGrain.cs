using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Orleans.Placement;

namespace AudioVis.Cache.Orleans.Grains;

/// <inheritdoc cref="IRegenerationKeyGrain"/>
/// <remarks>
/// Holds only the tickets of requests in flight (in memory): a reactivation elsewhere answers "unknown" and clients re-send.
/// While its silo's queue has a live job for the key the activation is exempt from collection (renewed every
/// <see cref="KeepAlivePeriod"/>): otherwise a grain left idle by clients that went away could be collected and re-activated
/// on another silo while the first still analyses, and the key would run twice at once.
/// Placed at random: keys spread evenly over the silos whoever asks (the default, resource-optimised placement favours the
/// caller's silo while loads look alike, and its load statistics lag behind a burst of "Regenerate All").
/// </remarks>
[RandomPlacement]
internal sealed class RegenerationKeyGrain(RegenerationWorker worker) : Grain, IRegenerationKeyGrain
{
    /// <summary>How often a busy key's grain renews its exemption from collection (for three periods each time).</summary>
    internal static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(30);

    private readonly Dictionary<Guid, Pending> _pending = [];
    private IGrainTimer? _keepAlive;
    private CacheKey? _key;

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
        KeepAliveWhileBusy(ticket.Key);
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
        KeepAliveWhileBusy(ticket.Key);
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

    private void KeepAliveWhileBusy(CacheKey key)
    {
        _key = key;
        DelayDeactivation(3 * KeepAlivePeriod);
        _keepAlive ??= this.RegisterGrainTimer(RenewKeepAlive, new GrainTimerCreationOptions(KeepAlivePeriod, KeepAlivePeriod) { Interleave = true });
    }

    private Task RenewKeepAlive(CancellationToken cancellationToken)
    {
        if (_key is { } key && worker.Queue.HasLiveJobs(key))
        {
            DelayDeactivation(3 * KeepAlivePeriod);
        }
        else
        {
            // Idle: the last exemption lapses by itself and the activation is collected as usual.
            _keepAlive?.Dispose();
            _keepAlive = null;
        }

        return Task.CompletedTask;
    }

    private sealed record Pending(RegenerationTicket Ticket, CancellationTokenSource Cancellation);
}
