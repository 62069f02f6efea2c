using System.Threading.Channels;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Regeneration;

/// <inheritdoc cref="IRegenerationQueue"/>
/// <remarks>
/// One lock guards every job, key and dedup entry. A single dispatcher loop reads "key ready" signals from an
/// unbounded channel (a key is in it at most once, and only while it has a waiting job and none running), waits
/// for the pause/export gate and for one of the parallelism slots, then hands the key's next job to the thread pool.
/// </remarks>
internal sealed partial class RegenerationQueue : IRegenerationQueue, IDisposable
{
    private const int RememberedFailedJobs = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<CacheKey, KeyQueue> _keys = [];
    private readonly Dictionary<DescriptorSlot, Job> _active = [];
    private readonly Dictionary<long, Job> _jobs = [];
    private readonly Dictionary<long, Job> _retryable = [];
    private readonly Queue<long> _retryableOrder = new();
    private readonly HashSet<Job> _running = [];
    private readonly Channel<KeyQueue> _ready = Channel.CreateUnbounded<KeyQueue>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DispatcherSignal _wake = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _owned = [];
    private readonly IAudioAnalyzer _analyzer;
    private readonly IAnalysisProfileRegistry _profiles;
    private readonly RegenerationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SubscriberList<RegenerationStatusChanged> _subscribers;
    private readonly SubscriberList<CacheKey> _jobEnded;
    private readonly SubscriberList<RegenerationJobFinished> _jobFinished;
    private readonly SubscriberList<RegenerationRequest> _requested;
    private readonly Task _dispatcher;
    private readonly HistoryRecorder? _history;
    private bool _available;
    private bool _dispatcherWaiting;
    private long _outages;
    private bool _exporting;
    private bool _disposed;
    private long _lastJobId;
    private Task? _disposeTask;
    private Exception? _fault;
    private TaskCompletionSource? _gateWaitObserved;

    public RegenerationQueue(
        IAudioAnalyzer analyzer,
        IAnalysisProfileRegistry profiles,
        IAnalysisAvailability availability,
        IExportCoordinator exports,
        IOptions<RegenerationOptions> options,
        TimeProvider time,
        ILogger<RegenerationQueue> logger,
        AudioVisCacheMetrics? metrics = null,
        IHistoryStore? history = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(availability);
        ArgumentNullException.ThrowIfNull(exports);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _analyzer = analyzer;
        _profiles = profiles;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _subscribers = new SubscriberList<RegenerationStatusChanged>(logger, nameof(IRegenerationQueue));
        _jobEnded = new SubscriberList<CacheKey>(logger, nameof(IRegenerationQueue));
        _jobFinished = new SubscriberList<RegenerationJobFinished>(logger, nameof(IRegenerationQueue));
        _requested = new SubscriberList<RegenerationRequest>(logger, nameof(IRegenerationQueue));
        Metrics = metrics ?? AudioVisCacheMetrics.Disabled;
        _history = history is null ? null : new HistoryRecorder(history, logger);

        // Subscribe first, then read the current state under the lock: a change racing the read is applied twice, harmlessly.
        _owned.Add(availability.Subscribe(OnAvailabilityChanged));
        _owned.Add(exports.Subscribe(OnExportChanged));
        lock (_lock)
        {
            _available = availability.IsAvailable;
            _exporting = exports.IsExportInProgress;
        }

        _dispatcher = Task.Run(DispatchAsync);
    }

    internal AudioVisCacheMetrics Metrics { get; }

    /// <summary>
    /// Makes the next job ids start above <paramref name="floor"/> (a distributed worker gives each process its own id range,
    /// so job ids are unique across a cluster). Ids already given out are kept.
    /// </summary>
    internal void SeedJobIds(long floor)
    {
        lock (_lock)
        {
            _lastJobId = Math.Max(_lastJobId, floor);
        }
    }

    /// <summary>Completes when every history entry recorded so far is appended (tests and tools that read history right after a job).</summary>
    internal Task FlushHistoryAsync() => _history?.FlushAsync() ?? Task.CompletedTask;

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return !_available;
            }
        }
    }

    public bool IsDeferredByExport
    {
        get
        {
            lock (_lock)
            {
                return _exporting;
            }
        }
    }

    public RegenerationTicket Enqueue(RegenerationRequest request, CancellationToken cancellationToken = default)
    {
        var (jobId, completion) = EnqueueCore(request, cancellationToken);
        return new RegenerationTicket(jobId, request.Key, completion);
    }

    public Task<RegenerationOutcome> RegenerateAsync(RegenerationRequest request, CancellationToken cancellationToken = default) =>
        EnqueueCore(request, cancellationToken).Completion;

    private (long JobId, Task<RegenerationOutcome> Completion) EnqueueCore(RegenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var profileId = request.Key.AnalysisProfileId;
        if (!_profiles.TryGet(profileId, out _) && !_profiles.WasDeleted(profileId))
        {
            throw new UnknownAnalysisProfileException(profileId, wasDeleted: false);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return (0, Task.FromCanceled<RegenerationOutcome>(cancellationToken));
        }

        var requester = new Requester(this);
        long ticketJobId;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fault is { } fault)
            {
                throw new InvalidOperationException("The regeneration queue stopped because its dispatcher faulted (log event 2008); create a new queue.", fault);
            }

            if (!request.IsAutomatic)
            {
                // Before the request joins a job, so a failure of that job is heard after this (the wiring clears failed states).
                _requested.Raise(request);
            }

            ticketJobId = AddRequestLocked(request, requester);
        }

        if (cancellationToken.CanBeCanceled)
        {
            requester.Token = cancellationToken;
            var registration = cancellationToken.UnsafeRegister(static state => ((Requester)state!).Owner.CancelRequester((Requester)state!), requester);
            lock (_lock)
            {
                requester.Registration = registration;
                if (requester.Done)
                {
                    registration.Unregister();
                }
            }
        }

        return (ticketJobId, requester.Task);
    }

    public IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs) => RegenerateAll(diffs, includeFailed: false);

    public IReadOnlyList<RegenerationTicket> RegenerateAll(IEnumerable<CacheDiff> diffs, bool includeFailed)
    {
        ArgumentNullException.ThrowIfNull(diffs);
        var requests = new List<RegenerationRequest>();
        foreach (var diff in diffs)
        {
            if (CreateRequest(diff ?? throw new ArgumentException("A diff is null.", nameof(diffs)), includeFailed) is { } request)
            {
                requests.Add(request);
            }
        }

        requests.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var tickets = new RegenerationTicket[requests.Count];
        for (var i = 0; i < tickets.Length; i++)
        {
            tickets[i] = Enqueue(requests[i]);
        }

        return tickets;
    }

    public RegenerationTicket Regenerate(CacheDiff diff, DescriptorId descriptor) => Enqueue(CreateRequest(diff, descriptor));

    /// <summary>The request of the panel's per-descriptor "Regenerate" (shared with the distributed queue).</summary>
    internal static RegenerationRequest CreateRequest(CacheDiff diff, DescriptorId descriptor)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(descriptor);
        var reason = diff.Missing.Contains(descriptor) ? RegenerationReason.Missing
            : diff.Stale.Contains(descriptor) ? RegenerationReason.Stale
            : RegenerationReason.Manual;
        var detail = reason == RegenerationReason.Stale ? DescribeStale(diff, diff.StaleDetails.Where(s => s.Descriptor.Equals(descriptor))) : null;
        return new RegenerationRequest(diff.Key, [descriptor], reason, diff.GetOwners(descriptor)) { TriggerDetail = detail };
    }

    public RegenerationTicket Retry(long jobId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        RegenerationRequest request;
        lock (_lock)
        {
            if (!_retryable.Remove(jobId, out var job))
            {
                throw new InvalidOperationException(_jobs.ContainsKey(jobId)
                    ? $"Regeneration job {jobId} has not ended; only a failed or cancelled job can be retried."
                    : $"Regeneration job {jobId} is not a failed or cancelled job the queue remembers.");
            }

            request = new RegenerationRequest(job.Key, job.Descriptors, job.Reason, job.RequestingElementIds)
            {
                TriggerDetail = job.TriggerDetails is { } details ? string.Join("; ", details) : null,
            };
        }

        return Enqueue(request);
    }

    public void Retarget(long jobId, string replacementProfileId)
    {
        ArgumentNullException.ThrowIfNull(replacementProfileId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (!_profiles.TryGet(replacementProfileId, out _))
        {
            throw new UnknownAnalysisProfileException(replacementProfileId, _profiles.WasDeleted(replacementProfileId));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_jobs.TryGetValue(jobId, out var job) || job.State != JobState.Parked)
            {
                throw new InvalidOperationException($"Regeneration job {jobId} is not waiting for a replacement profile.");
            }

            RemoveActiveLocked(job);
            var keyQueue = GetKeyQueueLocked(new CacheKey(job.Key.TrackRef, replacementProfileId));
            job.KeyQueue = keyQueue;
            job.State = JobState.Waiting;
            job.Attempt = 0;
            job.HasRun = false;
            job.LastError = null;
            foreach (var descriptor in job.Descriptors)
            {
                _active.TryAdd(new DescriptorSlot(keyQueue.Key, descriptor), job);
            }

            keyQueue.Enqueue(job);
            keyQueue.Tail = job;
            Log.JobRetargeted(_logger, jobId, job.Key.TrackRef, replacementProfileId);
            EmitLocked(job, GateStatusLocked());
            ScheduleLocked(keyQueue);
        }
    }

    public bool Cancel(long jobId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        CancellationTokenSource? toCancel;
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var job))
            {
                return false;
            }

            toCancel = CancelJobLocked(job);
        }

        CancelOutsideLock(toCancel);
        return true;
    }

    public IDisposable Subscribe(Action<RegenerationStatusChanged> handler)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return _subscribers.Subscribe(handler);
    }

    /// <summary>Subscribes to "a job of this key ended" (any final status); the DI layer wires it to <see cref="IDiffScheduler.Invalidate"/>.</summary>
    internal IDisposable SubscribeJobEnded(Action<CacheKey> handler) => _jobEnded.Subscribe(handler);

    /// <summary>
    /// Subscribes to every final outcome, with the profile revision the job ran with; raised under the lock before the
    /// job-ended handlers and before requesters hear the outcome. The DI layer records failures from it.
    /// </summary>
    internal IDisposable SubscribeJobFinished(Action<RegenerationJobFinished> handler) => _jobFinished.Subscribe(handler);

    /// <summary>Subscribes to requests a host made (not auto-regeneration's), raised under the lock before the request joins a job.</summary>
    internal IDisposable SubscribeRequested(Action<RegenerationRequest> handler) => _requested.Subscribe(handler);

    /// <summary>For tests: completes when the dispatcher next waits on a closed gate (paused or export), after which nothing can start until the gate opens.</summary>
    internal Task WhenDispatcherGatedAsync()
    {
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _gateWaitObserved, observed);
        return observed.Task;
    }

    /// <summary>Disposes <paramref name="subscription"/> when the queue is disposed.</summary>
    internal void Own(IDisposable subscription)
    {
        lock (_lock)
        {
            _owned.Add(subscription);
        }
    }

    /// <summary>Auto-regeneration: enqueues the missing and stale descriptors of a published diff.</summary>
    internal void OnDiffPublished(CacheDiff diff)
    {
        if (Volatile.Read(ref _disposed) || CreateRequest(diff, includeFailed: false) is not { } request)
        {
            return;
        }

        try
        {
            Enqueue(request with { IsAutomatic = true });
        }
        catch (Exception ex) when (ex is UnknownAnalysisProfileException or ObjectDisposedException)
        {
            Log.AutoRegenerateSkipped(_logger, diff.TrackRef, diff.AnalysisProfileId, ex);
        }
    }

    /// <summary>Disposes the queue; see <see cref="DisposeAsync"/>.</summary>
    /// <remarks>
    /// From any thread that does not hold the queue's lock this blocks until the disposal completes (bounded by
    /// <see cref="RegenerationOptions.DisposeTimeout"/>), so hosts can dispose a container synchronously
    /// (<c>using var provider</c>): <see cref="DisposeCoreAsync"/> continues on the thread pool, so blocking here cannot
    /// deadlock on a captured context. Called from a status or job-ended handler (or a continuation such a handler ran
    /// inline, or <c>ServiceProvider.Dispose</c> inside one) it only starts the disposal and returns at once: the rest
    /// needs the lock that a caller further up this very stack holds, so blocking would wait for itself (issue #9).
    /// </remarks>
    public void Dispose()
    {
        var disposal = DisposeAsync().AsTask();
        if (_lock.IsHeldByCurrentThread)
        {
            // Nobody will observe the task this caller cannot wait for: log a failure instead of leaving it unobserved.
            disposal.ContinueWith(
                static (task, state) => Log.DisposeFailed((ILogger)state!, task.Exception!.GetBaseException()),
                _logger,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return;
        }

        disposal.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Stops the queue: new calls throw <see cref="ObjectDisposedException"/>, waiting jobs end
    /// <see cref="RegenerationStatus.Cancelled"/>, running jobs are cancelled and awaited up to
    /// <see cref="RegenerationOptions.DisposeTimeout"/> (then reported cancelled), and the history entries of every job
    /// are appended before the returned task completes. Safe to call from any thread, a status handler included: there
    /// the queue stops taking work at once and the rest runs once the handler has returned.
    /// </summary>
    /// <returns>A task that completes when the disposal is done; every call returns the same task.</returns>
    public ValueTask DisposeAsync()
    {
        // Status and job-ended handlers run under the lock (IRegenerationQueue remarks), and System.Threading.Lock is
        // re-entrant, so a handler that disposes would otherwise run the whole disposal in the middle of the operation
        // that raised the event: ending jobs the caller is in the middle of changing or walking, and waiting for running jobs whose
        // completion needs the lock this thread holds (the dispose timeout cannot rescue it: its continuation needs the
        // lock too). Raising events outside the lock would avoid re-entrancy altogether, but every emit site would need
        // a per-job ordered hand-off and handlers would no longer see the queue in the state the event describes; the
        // narrow fix keeps the documented synchronous, in-order delivery and defers only the disposal.
        var reentered = _lock.IsHeldByCurrentThread;
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposeTask, completion.Task, null) is { } existing)
        {
            return new ValueTask(existing);
        }

        if (reentered)
        {
            // Stop intake now, without touching the jobs the caller up the stack may be in the middle of: later calls
            // throw ObjectDisposedException and the dispatcher starts nothing more. The rest runs on the thread pool and
            // enters the lock once this thread has released it; its timeout starts then.
            Volatile.Write(ref _disposed, true);
            _ready.Writer.TryComplete();
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Queue.DisposeAndSignalAsync(state.Completion), (Queue: this, Completion: completion), preferLocal: false);
        }
        else
        {
            // Synchronous up to the timed wait, so the dispose timeout starts when DisposeAsync is called.
            _ = DisposeAndSignalAsync(completion);
        }

        return new ValueTask(completion.Task);
    }

    /// <summary>Runs the disposal and completes <paramref name="completion"/>, the one task every caller gets (so a failure is observed by whoever awaits it).</summary>
    private async Task DisposeAndSignalAsync(TaskCompletionSource completion)
    {
        try
        {
            await DisposeCoreAsync().ConfigureAwait(false);
            completion.SetResult();
        }
        catch (Exception ex)
        {
            completion.SetException(ex);
        }
    }

    /// <summary>The request for a diff's missing and stale descriptors, without the failed ones unless <paramref name="includeFailed"/>; null when there is nothing to do.</summary>
    /// <summary>The request of "Regenerate All" for one diff, or null when it needs none (shared with the distributed queue).</summary>
    internal static RegenerationRequest? CreateRequest(CacheDiff diff, bool includeFailed)
    {
        if (diff.IsProfileDeleted || !diff.RequiresRegeneration)
        {
            return null;
        }

        var skipFailed = !includeFailed && diff.Failed.Count > 0;
        var descriptors = new List<DescriptorId>(diff.Missing.Count + diff.Stale.Count);
        var reason = RegenerationReason.None;
        foreach (var descriptor in diff.Missing)
        {
            if (!skipFailed || !IsFailed(diff, descriptor))
            {
                descriptors.Add(descriptor);
                reason |= RegenerationReason.Missing;
            }
        }

        IReadOnlyList<StaleDescriptor> stale = skipFailed ? [.. diff.StaleDetails.Where(s => !IsFailed(diff, s.Descriptor))] : diff.StaleDetails;
        foreach (var detail in stale)
        {
            descriptors.Add(detail.Descriptor);
            reason |= RegenerationReason.Stale;
        }

        if (descriptors.Count == 0)
        {
            return null;
        }

        var elements = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            elements.UnionWith(diff.GetOwners(descriptor));
        }

        return new RegenerationRequest(diff.Key, descriptors, reason, elements) { TriggerDetail = DescribeStale(diff, stale) };
    }

    private static bool IsFailed(CacheDiff diff, DescriptorId descriptor)
    {
        foreach (var failed in diff.Failed)
        {
            if (failed.Descriptor.Equals(descriptor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stale reasons of a diff in words, for the history: "rms@L: profile parameters changed: fftSize: 2048 → 4096".</summary>
    private static string? DescribeStale(CacheDiff diff, IEnumerable<StaleDescriptor> stale)
    {
        var parts = stale.Select(s => $"{s.Descriptor}: {string.Join(", ", s.Reasons.Select(r => r.Description))}").ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>Attaches a requester to the jobs that compute its descriptors, merging or creating a job for the rest.</summary>
    /// <returns>The id of the requester's first job.</returns>
    private long AddRequestLocked(RegenerationRequest request, Requester requester)
    {
        var keyQueue = GetKeyQueueLocked(request.Key);
        Job? target = null;
        var created = false;
        foreach (var descriptor in request.Descriptors)
        {
            var slot = new DescriptorSlot(request.Key, descriptor);
            if (_active.TryGetValue(slot, out var existing))
            {
                if (!requester.WaitsFor(existing))
                {
                    requester.AddJob(existing);
                    existing.AddElements(request.RequestingElementIds);
                    existing.AddRequestInfo(request);
                }

                continue;
            }

            if (target is null)
            {
                if (keyQueue.Tail is { State: JobState.Waiting, HasRun: false } tail)
                {
                    target = tail;
                }
                else
                {
                    target = new Job(this, ++_lastJobId, keyQueue);
                    created = true;
                }

                if (!requester.WaitsFor(target))
                {
                    requester.AddJob(target);
                }

                target.Reason |= request.Reason;
                target.AddElements(request.RequestingElementIds);
                target.AddRequestInfo(request);
            }

            target.AddDescriptor(descriptor);
            _active.Add(slot, target);
        }

        var firstJob = requester.FirstJob!;
        AttachLocked(requester, firstJob);
        if (requester.MoreJobs is { } more)
        {
            foreach (var job in more)
            {
                AttachLocked(requester, job);
            }
        }

        if (created)
        {
            Metrics.Triggered(target!.Reason);
            _jobs.Add(target.Id, target);
            keyQueue.Enqueue(target);
            keyQueue.Tail = target;
            EmitLocked(target, GateStatusLocked());
            ScheduleLocked(keyQueue);
        }
        else if (target is not null)
        {
            // Merged into a waiting job: report its grown descriptor list.
            EmitLocked(target, target.State == JobState.Parked ? RegenerationStatus.NeedsReplacementProfile : GateStatusLocked());
        }

        return firstJob.Id;
    }

    private static void AttachLocked(Requester requester, Job job)
    {
        job.AddRequester(requester);
    }

    private KeyQueue GetKeyQueueLocked(CacheKey key)
    {
        if (!_keys.TryGetValue(key, out var keyQueue))
        {
            keyQueue = new KeyQueue(key);
            _keys.Add(key, keyQueue);
        }

        return keyQueue;
    }

    /// <summary>Puts a key in the ready channel when it has a waiting job and nothing running; forgets idle keys.</summary>
    private void ScheduleLocked(KeyQueue keyQueue)
    {
        if (keyQueue.Scheduled || keyQueue.Running is not null || keyQueue.BackoffTimer is not null)
        {
            return;
        }

        if (keyQueue.HasWork())
        {
            keyQueue.Scheduled = _ready.Writer.TryWrite(keyQueue);
        }
        else if (_keys.TryGetValue(keyQueue.Key, out var current) && ReferenceEquals(current, keyQueue))
        {
            _keys.Remove(keyQueue.Key);
            keyQueue.Tail = null;
        }
    }

    private RegenerationStatus GateStatusLocked() =>
        !_available ? RegenerationStatus.Paused
        : _exporting ? RegenerationStatus.QueuedAfterExport
        : RegenerationStatus.Queued;

    private void OnAvailabilityChanged(bool available)
    {
        lock (_lock)
        {
            _available = available;
            if (!available)
            {
                _outages++;
            }

            UpdateGateLocked();
        }
    }

    private void OnExportChanged(bool exporting)
    {
        lock (_lock)
        {
            _exporting = exporting;
            UpdateGateLocked();
        }
    }

    private void UpdateGateLocked()
    {
        var status = GateStatusLocked();
        if (status == RegenerationStatus.Queued)
        {
            WakeDispatcherLocked();
        }

        if (status == RegenerationStatus.Paused)
        {
            Log.QueuePaused(_logger, _jobs.Count);
        }

        if (_subscribers.HasSubscribers)
        {
            foreach (var job in _jobs.Values)
            {
                if (job.State == JobState.Waiting)
                {
                    EmitLocked(job, status);
                }
            }
        }
    }

    /// <summary>
    /// The single dispatcher: takes ready keys from the channel and starts their next job when the gate is open and a
    /// parallelism slot is free; otherwise it parks on one reusable signal that job completions, gate changes and
    /// disposal set. One state machine for the queue's lifetime, so dispatching a job allocates nothing.
    /// </summary>
    private async Task DispatchAsync()
    {
        var reader = _ready.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var keyQueue))
                {
                    while (true)
                    {
                        Job? job = null;
                        ValueTask wait = default;
                        bool gated, mustWait;
                        lock (_lock)
                        {
                            if (_disposed)
                            {
                                return;
                            }

                            gated = GateStatusLocked() != RegenerationStatus.Queued;
                            mustWait = gated || _running.Count >= _options.MaxDegreeOfParallelism;
                            if (mustWait)
                            {
                                _dispatcherWaiting = true;
                                wait = _wake.WaitAsync();
                            }
                            else
                            {
                                job = StartNextLocked(keyQueue);
                            }
                        }

                        if (!mustWait)
                        {
                            if (job is not null)
                            {
                                ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
                            }

                            break;
                        }

                        if (gated)
                        {
                            Volatile.Read(ref _gateWaitObserved)?.TrySetResult();
                        }

                        await wait.ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            Log.DispatcherFaulted(_logger, ex);
            FailEverything(ex);
        }
    }

    /// <summary>Marks the key's next job running; null when the key has nothing waiting (its jobs were cancelled).</summary>
    private Job? StartNextLocked(KeyQueue keyQueue)
    {
        keyQueue.Scheduled = false;
        var job = keyQueue.TakeNext();
        if (job is null)
        {
            ScheduleLocked(keyQueue);
            return null;
        }

        job.State = JobState.Running;
        job.StartedAt ??= _time.GetUtcNow();
        job.HasRun = true;
        job.Attempt++;
        job.Cancellation = new CancellationTokenSource();
        job.TimedOut = false;
        if (_options.JobTimeout is { } timeout)
        {
            job.AttemptTimer = _time.CreateTimer(OnAttemptTimedOut, (job, job.Cancellation), timeout, Timeout.InfiniteTimeSpan);
        }

        job.OutagesAtStart = _outages;
        keyQueue.Running = job;
        _running.Add(job);
        return job;
    }

    /// <summary>The job timeout elapsed: cancels the attempt it was started for, if that attempt still runs.</summary>
    private void OnAttemptTimedOut(object? state)
    {
        var (job, attempt) = ((Job, CancellationTokenSource))state!;
        lock (_lock)
        {
            if (job.State != JobState.Running || !ReferenceEquals(job.Cancellation, attempt) || attempt.IsCancellationRequested)
            {
                return;
            }

            job.TimedOut = true;
        }

        CancelOutsideLock(attempt);
    }

    private static void StopAttemptTimerLocked(Job job)
    {
        job.AttemptTimer?.Dispose();
        job.AttemptTimer = null;
    }

    private void WakeDispatcherLocked()
    {
        if (_dispatcherWaiting)
        {
            _dispatcherWaiting = false;
            _wake.Set();
        }
    }

    private async Task RunAsync(Job job)
    {
        IReadOnlyList<CacheMetadataRecord>? records = null;
        Exception? failure = null;
        var cancelled = false;
        var parked = false;
        try
        {
            if (!_profiles.TryGet(job.Key.AnalysisProfileId, out var profile))
            {
                if (_profiles.WasDeleted(job.Key.AnalysisProfileId))
                {
                    parked = true;
                }
                else
                {
                    failure = new UnknownAnalysisProfileException(job.Key.AnalysisProfileId, wasDeleted: false);
                }
            }
            else
            {
                AnalysisRequest request;
                bool disposing;
                lock (_lock)
                {
                    request = new AnalysisRequest(profile, job.Key.TrackRef, job.Descriptors);

                    // Disposal may have begun before this work item ran (on a busy thread pool it may even have given up
                    // waiting and reported the job cancelled): then the job reports no Running after that and never starts.
                    if (!_disposed)
                    {
                        job.ProfileRevision = profile.RevisionHash;
                        EmitLocked(job, RegenerationStatus.Running);
                    }

                    // A handler of the Running event may have disposed the queue (its cancellation comes once the lock is free).
                    disposing = _disposed;
                }

                if (disposing)
                {
                    cancelled = true;
                }
                else
                {
                    using var activity = Metrics.StartAnalysis(job.Reason, request.Descriptors.Count, job.Attempt);
                    try
                    {
                        records = await _analyzer.AnalyzeAsync(request, _subscribers.HasSubscribers ? job : null, job.Cancellation!.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (activity is not null)
                    {
                        activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
                        throw;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (job.Cancellation!.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            OnJobRan(job, records, failure, cancelled, parked);
        }
        catch (Exception ex)
        {
            // Bookkeeping must never fault silently: report the job failed and keep the slot accounting right.
            Log.WorkerFaulted(_logger, job.Id, ex);
            lock (_lock)
            {
                StopAttemptTimerLocked(job);
                _running.Remove(job);
                if (ReferenceEquals(job.KeyQueue.Running, job))
                {
                    job.KeyQueue.Running = null;
                }

                if (job.State != JobState.Final)
                {
                    FinishLocked(job, RegenerationStatus.Failed, null, ex);
                }

                WakeDispatcherLocked();
                ScheduleLocked(job.KeyQueue);
            }
        }
    }

    private void OnJobRan(Job job, IReadOnlyList<CacheMetadataRecord>? records, Exception? failure, bool cancelled, bool parked)
    {
        lock (_lock)
        {
            var keyQueue = job.KeyQueue;
            StopAttemptTimerLocked(job);
            _running.Remove(job);
            if (ReferenceEquals(keyQueue.Running, job))
            {
                keyQueue.Running = null;
            }

            WakeDispatcherLocked();

            if (job.State == JobState.Final)
            {
                // Disposal gave up waiting and already reported the job cancelled.
            }
            else if (parked)
            {
                job.State = JobState.Parked;
                job.Attempt--;
                Log.JobNeedsReplacementProfile(_logger, job.Id, job.Key.TrackRef, job.Key.AnalysisProfileId);
                EmitLocked(job, RegenerationStatus.NeedsReplacementProfile);
            }
            else if (job.TimedOut && !_disposed && (cancelled || failure is not null))
            {
                // Only the timeout cancelled the attempt: a failure like any other (retried per the policy).
                OnJobFailedLocked(job, new TimeoutException(
                    $"Regeneration job {job.Id} ({job.Key}) ran longer than RegenerationOptions.JobTimeout ({_options.JobTimeout}) and was cancelled."));
            }
            else if (cancelled || (failure is not null && (_disposed || job.Cancellation!.IsCancellationRequested)))
            {
                FinishLocked(job, RegenerationStatus.Cancelled, null, null);
            }
            else if (failure is not null)
            {
                OnJobFailedLocked(job, failure);
            }
            else
            {
                FinishLocked(job, RegenerationStatus.Succeeded, records ?? [], null);
            }

            if (_disposed && _running.Count == 0)
            {
                _drained.TrySetResult();
            }

            ScheduleLocked(keyQueue);
        }
    }

    private void OnJobFailedLocked(Job job, Exception failure)
    {
        var keyQueue = job.KeyQueue;
        job.LastError = failure;
        if (!_available || job.OutagesAtStart != _outages)
        {
            // The worker went away during the attempt (even if it is back already): the failure is the outage's, not
            // the job's, so the job waits at the head of its key and spends no attempt.
            job.Attempt--;
            job.State = JobState.Waiting;
            keyQueue.Retry = job;
            Log.JobDeferredWhileUnavailable(_logger, job.Id, job.Key.TrackRef, job.Key.AnalysisProfileId);
            EmitLocked(job, GateStatusLocked(), error: failure);
            return;
        }

        var retry = _options.Retry;
        if (job.Attempt < retry.MaxAttempts)
        {
            job.State = JobState.Waiting;
            keyQueue.Retry = job;
            var delay = retry.GetDelay(job.Attempt);
            Log.JobRetrying(_logger, job.Id, job.Key.TrackRef, job.Key.AnalysisProfileId, job.Attempt, retry.MaxAttempts, delay, failure);
            if (delay > TimeSpan.Zero)
            {
                keyQueue.BackoffTimer = _time.CreateTimer(OnBackoffElapsed, keyQueue, delay, Timeout.InfiniteTimeSpan);
            }

            EmitLocked(job, GateStatusLocked(), error: failure);
            return;
        }

        Log.JobFailed(_logger, job.Id, job.Key.TrackRef, job.Key.AnalysisProfileId, job.Attempt, failure);
        Metrics.Failed(job.Reason);
        FinishLocked(job, RegenerationStatus.Failed, null, failure);
    }

    private void OnBackoffElapsed(object? state)
    {
        var keyQueue = (KeyQueue)state!;
        lock (_lock)
        {
            keyQueue.BackoffTimer?.Dispose();
            keyQueue.BackoffTimer = null;
            ScheduleLocked(keyQueue);
        }
    }

    private void OnProgress(Job job, AnalysisProgress progress)
    {
        lock (_lock)
        {
            if (job.State == JobState.Running)
            {
                EmitLocked(job, RegenerationStatus.Running, Math.Clamp(progress.Fraction, 0, 1), progress.CurrentDescriptor);
            }
        }
    }

    /// <summary>Ends a job: final status, dedup entries removed, every waiting requester completed with one outcome.</summary>
    private void FinishLocked(Job job, RegenerationStatus status, IReadOnlyList<CacheMetadataRecord>? records, Exception? error)
    {
        job.State = JobState.Final;
        _jobs.Remove(job.Id);
        RemoveActiveLocked(job);
        if (ReferenceEquals(job.KeyQueue.Retry, job))
        {
            job.KeyQueue.Retry = null;
        }

        if (status != RegenerationStatus.Succeeded)
        {
            RememberLocked(job);
        }

        var outcome = new RegenerationOutcome(job.Id, job.Key, status, job.Descriptors, records ?? [], status == RegenerationStatus.Failed ? error : null, job.Attempt);
        if (_jobFinished.HasSubscribers)
        {
            _jobFinished.Raise(new RegenerationJobFinished(outcome, job.HasRun ? job.ProfileRevision : null, _time.GetUtcNow()));
        }

        if (job.HasRun)
        {
            // Before anyone hears the outcome, so a host that re-diffs on completion sees the group dirty.
            _jobEnded.Raise(job.Key);
        }

        if (job.StartedAt is { } startedAt)
        {
            Metrics.Finished(job.Reason, status, _time.GetUtcNow() - startedAt);
        }

        _history?.Record(CreateHistoryEntry(job, status, error));
        EmitLocked(job, status, status == RegenerationStatus.Succeeded ? 1 : 0, error: error);
        job.CompleteRequesters(outcome);
    }

    /// <summary>The audit entry of a job's final outcome. A cancelled job is a failure with error type "Cancelled" (docs/persistence.md).</summary>
    private HistoryEntry CreateHistoryEntry(Job job, RegenerationStatus status, Exception? error)
    {
        var now = _time.GetUtcNow();
        var duration = job.StartedAt is { } started ? Math.Max(0, (long)Math.Round((now - started).TotalMilliseconds)) : 0;
        var (historyStatus, errorType, errorMessage) = status switch
        {
            RegenerationStatus.Succeeded => (HistoryStatus.Success, null, null),
            RegenerationStatus.Cancelled => (HistoryStatus.Failure, HistoryEntry.CancelledErrorType, _disposed
                ? "The regeneration queue was disposed before the job finished."
                : job.HasRun ? "The job was cancelled while it ran." : "The job was cancelled before it ran."),
            _ => (HistoryStatus.Failure, (error ?? job.LastError)?.GetType().FullName ?? "Unknown", (error ?? job.LastError)?.Message),
        };
        return new HistoryEntry(
            Guid.CreateVersion7(now),
            now,
            job.Key,
            job.HasManualRequest ? HistoryAction.ManualRegenerate : HistoryAction.AutoRegenerate,
            job.Descriptors,
            historyStatus,
            duration,
            job.RequestingElementIds,
            job.Reason,
            job.TriggerDetails is { } details ? string.Join("; ", details) : null,
            job.Id,
            job.Attempt,
            errorType,
            errorMessage);
    }

    private void RememberLocked(Job job)
    {
        _retryable[job.Id] = job;
        _retryableOrder.Enqueue(job.Id);
        while (_retryableOrder.Count > RememberedFailedJobs)
        {
            _retryable.Remove(_retryableOrder.Dequeue());
        }
    }

    private void RemoveActiveLocked(Job job)
    {
        foreach (var descriptor in job.Descriptors)
        {
            var slot = new DescriptorSlot(job.Key, descriptor);
            if (_active.TryGetValue(slot, out var owner) && ReferenceEquals(owner, job))
            {
                _active.Remove(slot);
            }
        }
    }

    /// <summary>Cancels a job: a waiting one ends now; a running one gets its token cancelled (by the caller, outside the lock).</summary>
    private CancellationTokenSource? CancelJobLocked(Job job)
    {
        switch (job.State)
        {
            case JobState.Running:
                // An explicit cancellation wins over a timeout that fired first: the job ends cancelled, not retried.
                job.TimedOut = false;
                return job.Cancellation;
            case JobState.Waiting or JobState.Parked:
                var keyQueue = job.KeyQueue;
                keyQueue.Remove(job);
                FinishLocked(job, RegenerationStatus.Cancelled, null, null);
                if (keyQueue.BackoffTimer is { } timer && keyQueue.Retry is null)
                {
                    timer.Dispose();
                    keyQueue.BackoffTimer = null;
                }

                ScheduleLocked(keyQueue);
                return null;
            default:
                return null;
        }
    }

    private void CancelRequester(Requester requester)
    {
        CancellationTokenSource? first = null;
        List<CancellationTokenSource>? more = null;
        lock (_lock)
        {
            if (requester.Done)
            {
                return;
            }

            requester.Done = true;
            first = LeaveJobLocked(requester.FirstJob!, requester);
            if (requester.MoreJobs is { } jobs)
            {
                foreach (var job in jobs)
                {
                    if (LeaveJobLocked(job, requester) is { } cts)
                    {
                        (more ??= []).Add(cts);
                    }
                }
            }
        }

        requester.TrySetCanceled(requester.Token);
        CancelOutsideLock(first);
        if (more is not null)
        {
            foreach (var cts in more)
            {
                CancelOutsideLock(cts);
            }
        }
    }

    /// <summary>A requester stopped waiting: the job is cancelled when it was the last one waiting.</summary>
    private CancellationTokenSource? LeaveJobLocked(Job job, Requester requester)
    {
        job.RemoveRequester(requester);
        return job.LiveRequesters == 0 && job.State != JobState.Final ? CancelJobLocked(job) : null;
    }

    private void CancelOutsideLock(CancellationTokenSource? cancellation)
    {
        try
        {
            cancellation?.Cancel();
        }
        catch (AggregateException ex)
        {
            Log.CancellationCallbackFailed(_logger, ex);
        }
    }

    private void EmitLocked(Job job, RegenerationStatus status, double progress = 0, DescriptorId? current = null, Exception? error = null)
    {
        if (!_subscribers.HasSubscribers)
        {
            return;
        }

        _subscribers.Raise(new RegenerationStatusChanged(
            job.Id,
            job.Key,
            job.Descriptors,
            job.Reason,
            job.RequestingElementIds,
            status,
            progress,
            current,
            error ?? (status is RegenerationStatus.Running or RegenerationStatus.Succeeded or RegenerationStatus.Cancelled ? null : job.LastError),
            job.Attempt,
            _time.GetUtcNow()));
    }

    private void FailEverything(Exception fault)
    {
        List<CancellationTokenSource> running = [];
        lock (_lock)
        {
            _fault = fault;
            foreach (var job in _jobs.Values.ToArray())
            {
                if (job.State == JobState.Running)
                {
                    running.Add(job.Cancellation!);
                }
                else
                {
                    FinishLocked(job, RegenerationStatus.Failed, null, fault);
                }
            }
        }

        foreach (var cts in running)
        {
            CancelOutsideLock(cts);
        }
    }

    private async Task DisposeCoreAsync()
    {
        List<CancellationTokenSource> running = [];
        IDisposable[] owned;
        lock (_lock)
        {
            Volatile.Write(ref _disposed, true);
            _ready.Writer.TryComplete();
            foreach (var keyQueue in _keys.Values)
            {
                keyQueue.BackoffTimer?.Dispose();
                keyQueue.BackoffTimer = null;
            }

            foreach (var job in _jobs.Values.ToArray())
            {
                if (job.State == JobState.Running)
                {
                    StopAttemptTimerLocked(job);
                    running.Add(job.Cancellation!);
                }
                else
                {
                    FinishLocked(job, RegenerationStatus.Cancelled, null, null);
                }
            }

            if (_running.Count == 0)
            {
                _drained.TrySetResult();
            }

            WakeDispatcherLocked();
            owned = [.. _owned];
            _owned.Clear();
        }

        foreach (var subscription in owned)
        {
            subscription.Dispose();
        }

        // Synchronous up to the timed wait, so the dispose timeout starts when DisposeAsync is called.
        foreach (var cts in running)
        {
            CancelOutsideLock(cts);
        }

        try
        {
            await Task.WhenAll(_dispatcher, _drained.Task).WaitAsync(_options.DisposeTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                Log.DisposeTimedOut(_logger, _running.Count, _options.DisposeTimeout);
                foreach (var job in _running)
                {
                    if (job.State != JobState.Final)
                    {
                        FinishLocked(job, RegenerationStatus.Cancelled, null, null);
                    }
                }
            }
        }

        if (_history is { } history)
        {
            await history.CompleteAsync(_options.DisposeTimeout, _time).ConfigureAwait(false);
        }
    }
}
