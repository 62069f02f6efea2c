using System.Collections.Concurrent;
using System.Collections.Immutable;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Orleans.Grains;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;

namespace AudioVis.Cache.Orleans;

/// <summary>
/// <see cref="IRegenerationQueue"/> on an Orleans cluster, for hosts and tools: each request goes to the grain of its
/// {track, profile}, which forwards it to the regeneration queue of the silo it lives on. A call that fails because that
/// silo died (or the connection or a timeout failed) is re-sent with a bounded backoff; the grain reactivates on another
/// silo and the job runs there. Every ticket completes exactly once.
/// </summary>
internal sealed partial class OrleansRegenerationQueue : IRegenerationQueue, IRegenerationStatusObserver
{
    private const int RememberedJobs = 4096;

    private readonly IGrainFactory _grains;
    private readonly IAnalysisProfileRegistry _profiles;
    private readonly IDiffScheduler? _scheduler;
    private readonly AudioVisCacheOrleansOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SubscriberList<RegenerationStatusChanged> _subscribers;
    private readonly ConcurrentDictionary<long, CacheKey> _jobKeys = new();
    private readonly ConcurrentQueue<long> _jobOrder = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _subscriptionLock = new();
    private IRegenerationStatusObserver? _observer;
    private Task? _refresher;
    private Task? _disposeTask;

    public OrleansRegenerationQueue(
        IGrainFactory grains,
        IAnalysisProfileRegistry profiles,
        IOptions<AudioVisCacheOrleansOptions> options,
        TimeProvider time,
        ILogger<OrleansRegenerationQueue> logger,
        IDiffScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _profiles = profiles;
        _scheduler = scheduler;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _subscribers = new SubscriberList<RegenerationStatusChanged>(logger, nameof(OrleansRegenerationQueue));
    }

    /// <summary>Gets a value indicating whether every active silo's worker is paused (its analyzer unavailable); false with no silo reporting.</summary>
    public bool IsPaused
    {
        get
        {
            var gates = GetGates();
            return gates.Length > 0 && gates.All(static g => g.Paused);
        }
    }

    /// <summary>Gets a value indicating whether some active silo defers new jobs for an export in progress on it.</summary>
    public bool IsDeferredByExport => GetGates().Any(static g => g.DeferredByExport);

    public RegenerationTicket Enqueue(RegenerationRequest request, CancellationToken cancellationToken = default) =>
        EnqueueAsync(request, cancellationToken).GetAwaiter().GetResult();

    public async Task<RegenerationOutcome> RegenerateAsync(RegenerationRequest request, CancellationToken cancellationToken = default)
    {
        var ticket = await EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        return await ticket.Completion.ConfigureAwait(false);
    }

    public IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs) => RegenerateAll(diffs, includeFailed: false);

    public IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs, bool includeFailed)
    {
        ArgumentNullException.ThrowIfNull(diffs);
        var requests = new List<RegenerationRequest>();
        foreach (var diff in diffs)
        {
            if (RegenerationQueue.CreateRequest(diff ?? throw new ArgumentException("A diff is null.", nameof(diffs)), includeFailed) is { } request)
            {
                requests.Add(request);
            }
        }

        requests.Sort(static (a, b) => a.Key.CompareTo(b.Key));

        // Sent concurrently: one round trip for the lot rather than one per key.
        return Task.WhenAll(requests.Select(r => EnqueueAsync(r, CancellationToken.None))).GetAwaiter().GetResult();
    }

    public RegenerationTicket Regenerate(CacheDiff diff, DescriptorId descriptor) => Enqueue(RegenerationQueue.CreateRequest(diff, descriptor));

    public RegenerationTicket Retry(long jobId)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var key = KeyOf(jobId) ?? throw new InvalidOperationException($"Regeneration job {jobId} is not a job this client has seen (its ticket or its status changes); only a failed or cancelled job can be retried.");
        var requestId = Guid.NewGuid();
        var retried = CallWithRetryAsync(key, grain => grain.RetryAsync(jobId, requestId), _disposing.Token).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"Regeneration job {jobId} is not a failed or cancelled job the queue of its key's silo remembers.");
        var call = new Call(requestId, key, retried.Request, retried.JobId, CancellationToken.None) { Enqueued = true };
        return StartWaiting(call);
    }

    public void Retarget(long jobId, string replacementProfileId)
    {
        ArgumentNullException.ThrowIfNull(replacementProfileId);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        if (!_profiles.TryGet(replacementProfileId, out _))
        {
            throw new UnknownAnalysisProfileException(replacementProfileId, _profiles.WasDeleted(replacementProfileId));
        }

        var key = KeyOf(jobId) ?? throw new InvalidOperationException($"Regeneration job {jobId} is not waiting for a replacement profile (this client has not seen it).");
        var error = CallWithRetryAsync(key, grain => grain.RetargetAsync(jobId, replacementProfileId), _disposing.Token).GetAwaiter().GetResult();
        if (error is not null)
        {
            throw new InvalidOperationException(error);
        }
    }

    public bool Cancel(long jobId)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        return KeyOf(jobId) is { } key && CallWithRetryAsync(key, grain => grain.CancelAsync(jobId), _disposing.Token).GetAwaiter().GetResult();
    }

    public IDisposable Subscribe(Action<RegenerationStatusChanged> handler)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var subscription = _subscribers.Subscribe(handler);
        Task? first = null;
        lock (_subscriptionLock)
        {
            if (_observer is null)
            {
                _observer = _grains.CreateObjectReference<IRegenerationStatusObserver>(this);
                first = RenewSubscriptionAsync().WaitAsync(_options.CallTimeout, _time);
                _refresher = Task.Run(RefreshSubscriptionAsync);
            }
        }

        // The first subscription is in place when this returns, so the caller hears every change made after it; if the hub
        // cannot be reached now, the refresher keeps trying every refresh period.
        try
        {
            first?.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (IsTransient(ex) || ex is OrleansException)
        {
            Log.SubscriptionFailed(_logger, ex);
        }

        return subscription;
    }

    public ValueTask DisposeAsync()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposeTask, completion.Task, null) is { } existing)
        {
            return new ValueTask(existing);
        }

        _ = DisposeCoreAsync(completion);
        return new ValueTask(completion.Task);
    }

    Task IRegenerationStatusObserver.OnStatusChangedAsync(ImmutableArray<WireStatus> changes)
    {
        foreach (var wire in changes)
        {
            var change = wire.ToChange();
            Remember(change.JobId, change.Key);
            _subscribers.Raise(change);
        }

        return Task.CompletedTask;
    }

    private static bool IsTransient(Exception exception) => exception
        is OrleansMessageRejectionException // SiloUnavailableException included: the grain's silo was declared dead
        or ConnectionFailedException
        or GatewayTooBusyException
        or ClientNotAvailableException
        or TimeoutException;

    private async Task DisposeCoreAsync(TaskCompletionSource completion)
    {
        try
        {
            await _disposing.CancelAsync().ConfigureAwait(false);
            IRegenerationStatusObserver? observer;
            Task? refresher;
            lock (_subscriptionLock)
            {
                observer = _observer;
                refresher = _refresher;
            }

            if (refresher is not null)
            {
                await refresher.ConfigureAwait(false);
            }

            if (observer is not null)
            {
                try
                {
                    await _grains.GetGrain<IRegenerationEventHubGrain>(0).UnsubscribeAsync(observer).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex) || ex is OrleansException)
                {
                    Log.SubscriptionFailed(_logger, ex); // the hub forgets it when its lifetime ends
                }

                _grains.DeleteObjectReference<IRegenerationStatusObserver>(observer);
            }

            completion.SetResult();
        }
        catch (Exception ex)
        {
            completion.SetException(ex);
        }
    }

    private async Task<RegenerationTicket> EnqueueAsync(RegenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var profileId = request.Key.AnalysisProfileId;
        if (!_profiles.TryGet(profileId, out _) && !_profiles.WasDeleted(profileId))
        {
            throw new UnknownAnalysisProfileException(profileId, wasDeleted: false);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new RegenerationTicket(0, request.Key, Task.FromCanceled<RegenerationOutcome>(cancellationToken));
        }

        var call = new Call(Guid.NewGuid(), request.Key, WireRequest.From(request), 0, cancellationToken);
        try
        {
            call.JobId = await CallWithRetryAsync(call.Key, grain => grain.EnqueueAsync(call.RequestId, call.Request), cancellationToken).ConfigureAwait(false);
            call.Enqueued = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RegenerationTicket(0, request.Key, Task.FromCanceled<RegenerationOutcome>(cancellationToken));
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // The cluster stayed unreachable for every attempt: the ticket still completes, as a failed job.
            return new RegenerationTicket(0, request.Key, Task.FromResult(Unreachable(call, ex)));
        }

        return StartWaiting(call);
    }

    private RegenerationTicket StartWaiting(Call call)
    {
        Remember(call.JobId, call.Key);
        var completion = WaitForOutcomeAsync(call);
        if (call.Cancellation.CanBeCanceled)
        {
            completion = completion.WaitAsync(call.Cancellation);
        }

        return new RegenerationTicket(call.JobId, call.Key, completion);
    }

    // The only code that produces a ticket's outcome: one loop per ticket, so it completes exactly once.
    private async Task<RegenerationOutcome> WaitForOutcomeAsync(Call call)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.Cancellation, _disposing.Token);
        var failures = 0;
        var delay = _options.InitialRetryDelay;
        while (true)
        {
            try
            {
                var grain = GrainOf(call.Key);
                if (!call.Enqueued)
                {
                    call.JobId = await grain.EnqueueAsync(call.RequestId, call.Request).WaitAsync(_options.CallTimeout, _time, linked.Token).ConfigureAwait(false);
                    call.Enqueued = true;
                    failures = 0;
                    delay = _options.InitialRetryDelay;
                    Remember(call.JobId, call.Key);
                }

                var wait = await grain.WaitAsync(call.RequestId, _options.PollInterval, linked.Token)
                    .WaitAsync(_options.PollInterval + _options.CallTimeout, _time, linked.Token).ConfigureAwait(false);
                if (wait.Outcome is { } outcome)
                {
                    var result = outcome.ToOutcome();
                    _scheduler?.Invalidate(call.Key);
                    return result;
                }

                if (wait.Known)
                {
                    continue; // still running: ask again
                }

                // The grain was reactivated (its silo died or it was collected) and never saw this request: send it again.
                Log.Resending(_logger, call.JobId, call.Key.TrackRef, call.Key.AnalysisProfileId);
                call.Enqueued = false;
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                if (call.Cancellation.IsCancellationRequested)
                {
                    throw;
                }

                return new RegenerationOutcome(call.JobId, call.Key, RegenerationStatus.Cancelled, call.Descriptors, [], null, 0);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                call.Enqueued = false;
                if (++failures >= _options.MaxCallAttempts)
                {
                    return Unreachable(call, ex);
                }

                Log.CallFailed(_logger, call.JobId, call.Key.TrackRef, call.Key.AnalysisProfileId, failures, ex);
                try
                {
                    await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested)
                {
                    // Handled at the top of the next round (the token is checked by WaitAsync).
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task<T> CallWithRetryAsync<T>(CacheKey key, Func<IRegenerationKeyGrain, Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = _options.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(GrainOf(key)).WaitAsync(_options.CallTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < _options.MaxCallAttempts)
            {
                Log.CallFailed(_logger, 0, key.TrackRef, key.AnalysisProfileId, attempt, ex);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private RegenerationOutcome Unreachable(Call call, Exception error) =>
        new(call.JobId, call.Key, RegenerationStatus.Failed, call.Descriptors, [], new RemoteRegenerationException($"The Orleans cluster could not run the regeneration of {call.Key} after {_options.MaxCallAttempts} attempts: {error.Message}", error), 0);

    private IRegenerationKeyGrain GrainOf(CacheKey key) => _grains.GetGrain<IRegenerationKeyGrain>(RegenerationGrainKeys.For(key));

    private ImmutableArray<WireGates> GetGates() =>
        _grains.GetGrain<IRegenerationEventHubGrain>(0).GetGatesAsync().WaitAsync(_options.CallTimeout, _time).GetAwaiter().GetResult();

    private CacheKey? KeyOf(long jobId) => _jobKeys.TryGetValue(jobId, out var key) ? key : null;

    private void Remember(long jobId, CacheKey key)
    {
        if (jobId != 0 && _jobKeys.TryAdd(jobId, key))
        {
            _jobOrder.Enqueue(jobId);
            while (_jobOrder.Count > RememberedJobs && _jobOrder.TryDequeue(out var oldest))
            {
                _jobKeys.TryRemove(oldest, out _);
            }
        }
    }

    private async Task RenewSubscriptionAsync()
    {
        IRegenerationStatusObserver? observer;
        lock (_subscriptionLock)
        {
            observer = _observer;
        }

        if (observer is not null)
        {
            await _grains.GetGrain<IRegenerationEventHubGrain>(0).SubscribeAsync(observer, _options.RefreshPeriod * 3).ConfigureAwait(false);
        }
    }

    private async Task RefreshSubscriptionAsync()
    {
        using var timer = new PeriodicTimer(_options.RefreshPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token).ConfigureAwait(false))
            {
                try
                {
                    await RenewSubscriptionAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex) || ex is OrleansException)
                {
                    Log.SubscriptionFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
        }
    }

    private sealed class Call(Guid requestId, CacheKey key, WireRequest request, long jobId, CancellationToken cancellation)
    {
        public Guid RequestId { get; } = requestId;

        public CacheKey Key { get; } = key;

        public WireRequest Request { get; } = request;

        public CancellationToken Cancellation { get; } = cancellation;

        public long JobId { get; set; } = jobId;

        public bool Enqueued { get; set; }

        public IReadOnlyList<DescriptorId> Descriptors => [.. Request.Descriptors.Select(DescriptorId.Parse)];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2611, Level = LogLevel.Warning, Message = "A cluster call for regeneration job {JobId} of {TrackRef} | {ProfileId} failed (attempt {Attempt}); sending it again")]
        public static partial void CallFailed(ILogger logger, long jobId, string trackRef, string profileId, int attempt, Exception exception);

        [LoggerMessage(EventId = 2612, Level = LogLevel.Information, Message = "The grain of {TrackRef} | {ProfileId} no longer knows regeneration job {JobId} (reactivated); sending the request again")]
        public static partial void Resending(ILogger logger, long jobId, string trackRef, string profileId);

        [LoggerMessage(EventId = 2613, Level = LogLevel.Warning, Message = "Could not renew the regeneration status subscription (retried every refresh period)")]
        public static partial void SubscriptionFailed(ILogger logger, Exception exception);
    }
}
