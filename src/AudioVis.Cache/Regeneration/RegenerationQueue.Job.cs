using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Regeneration;

internal sealed partial class RegenerationQueue
{
    private enum JobState
    {
        Waiting,
        Running,
        Parked,
        Final,
    }

    /// <summary>One descriptor of one key: the unit of deduplication.</summary>
    private readonly record struct DescriptorSlot(CacheKey Key, DescriptorId Descriptor);

    /// <summary>The jobs of one {track, profile}: a FIFO, the running job, and whether the dispatcher holds the key.</summary>
    private sealed class KeyQueue(CacheKey key)
    {
        // An intrusive doubly linked list through Job.Next and Job.Previous: enqueueing allocates nothing, and a cancelled
        // job leaves at once (cancelled waits must not pile up behind a paused or busy key).
        private Job? _head;
        private Job? _last;

        public CacheKey Key { get; } = key;

        /// <summary>A job that ran and waits for its retry: it goes before every queued job of the key.</summary>
        public Job? Retry { get; set; }

        public Job? Running { get; set; }

        /// <summary>The last job enqueued: new descriptors merge into it while it is waiting and has never run.</summary>
        public Job? Tail { get; set; }

        /// <summary>The key is in the ready channel (or the dispatcher is starting its next job).</summary>
        public bool Scheduled { get; set; }

        /// <summary>The retry backoff timer, while the key waits for it.</summary>
        public ITimer? BackoffTimer { get; set; }

        public void Enqueue(Job job)
        {
            job.Next = null;
            job.Previous = _last;
            if (_last is null)
            {
                _head = job;
            }
            else
            {
                _last.Next = job;
            }

            _last = job;
        }

        /// <summary>Takes a job out of the FIFO; nothing when it is not in it (running, waiting for its retry, or parked).</summary>
        public void Remove(Job job)
        {
            if (job.Previous is null && !ReferenceEquals(_head, job))
            {
                return;
            }

            if (job.Previous is { } previous)
            {
                previous.Next = job.Next;
            }
            else
            {
                _head = job.Next;
            }

            if (job.Next is { } next)
            {
                next.Previous = job.Previous;
            }
            else
            {
                _last = job.Previous;
            }

            job.Next = null;
            job.Previous = null;
        }

        public bool HasWork()
        {
            if (Retry is not null)
            {
                return true;
            }

            // Cancelled jobs stay in the FIFO until they reach its head (lazy removal keeps cancellation O(1)).
            while (_head is { State: not JobState.Waiting })
            {
                Dequeue();
            }

            return _head is not null;
        }

        public Job? TakeNext()
        {
            if (Retry is { } retry)
            {
                Retry = null;
                return retry;
            }

            return HasWork() ? Dequeue() : null;
        }

        private Job Dequeue()
        {
            var job = _head!;
            _head = job.Next;
            job.Next = null;
            if (_head is null)
            {
                _last = null;
            }
            else
            {
                _head.Previous = null;
            }

            return job;
        }
    }

    /// <summary>A requester waiting for one or more jobs (more than one only when its descriptors were spread over jobs).</summary>
    private sealed class Requester(RegenerationQueue owner) : TaskCompletionSource<RegenerationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public RegenerationQueue Owner { get; } = owner;

        public Job? FirstJob { get; set; }

        public List<Job>? MoreJobs { get; set; }

        public int Pending { get; set; }

        public bool Done { get; set; }

        public CancellationToken Token { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        private List<RegenerationOutcome>? Outcomes { get; set; }

        public bool WaitsFor(Job job) => ReferenceEquals(FirstJob, job) || (MoreJobs?.Contains(job) ?? false);

        public void AddJob(Job job)
        {
            if (FirstJob is null)
            {
                FirstJob = job;
            }
            else
            {
                (MoreJobs ??= []).Add(job);
            }

            Pending++;
        }

        /// <summary>Called under the queue lock when one of its jobs ended.</summary>
        public void OnJobCompleted(RegenerationOutcome outcome)
        {
            if (Done)
            {
                return;
            }

            if (MoreJobs is null)
            {
                Finish(outcome);
                return;
            }

            (Outcomes ??= []).Add(outcome);
            if (--Pending == 0)
            {
                Finish(Combine(Outcomes));
            }
        }

        private static RegenerationOutcome Combine(List<RegenerationOutcome> outcomes)
        {
            var first = outcomes[0];
            var worst = outcomes.Find(o => !o.Succeeded) ?? first;
            var descriptors = new SortedSet<DescriptorId>();
            var records = new List<CacheMetadataRecord>();
            foreach (var outcome in outcomes)
            {
                descriptors.UnionWith(outcome.Descriptors);
                records.AddRange(outcome.Records);
            }

            return worst with { Descriptors = [.. descriptors], Records = records, Attempts = outcomes.Max(o => o.Attempts) };
        }

        private void Finish(RegenerationOutcome outcome)
        {
            Done = true;
            Registration.Unregister();
            TrySetResult(outcome);
        }
    }

    /// <summary>A regeneration job. It is its own thread-pool work item and progress sink, so running it allocates nothing extra.</summary>
    private sealed class Job(RegenerationQueue owner, long id, KeyQueue keyQueue) : IThreadPoolWorkItem, IProgress<AnalysisProgress>
    {
        // Sorted arrays, replaced (not mutated) when a request merges in: events and outcomes can share them.
        private DescriptorId[] _descriptors = [];
        private string[] _elements = [];
        private Requester? _firstRequester;
        private List<Requester>? _moreRequesters;

        public long Id { get; } = id;

        public KeyQueue KeyQueue { get; set; } = keyQueue;

        public CacheKey Key => KeyQueue.Key;

        /// <summary>The next job in its key's FIFO.</summary>
        public Job? Next { get; set; }

        /// <summary>The previous job in its key's FIFO.</summary>
        public Job? Previous { get; set; }

        public JobState State { get; set; }

        public bool HasRun { get; set; }

        public RegenerationReason Reason { get; set; }

        public int Attempt { get; set; }

        /// <summary>The queue's outage count when the current attempt started.</summary>
        public long OutagesAtStart { get; set; }

        public Exception? LastError { get; set; }

        /// <summary>The revision of the profile the last attempt ran with (recorded with a failure: its input fingerprint).</summary>
        public ProfileRevisionHash? ProfileRevision { get; set; }

        /// <summary>When the job first started running (its history entry's duration runs from here).</summary>
        public DateTimeOffset? StartedAt { get; set; }

        /// <summary>A request that auto-regeneration did not make joined the job (history: <c>manual_regenerate</c>).</summary>
        public bool HasManualRequest { get; set; }

        /// <summary>The stale reasons of the requests that joined, in words, in the order they joined.</summary>
        public List<string>? TriggerDetails { get; set; }

        public int LiveRequesters { get; set; }

        public CancellationTokenSource? Cancellation { get; set; }

        /// <summary>Fires <see cref="RegenerationOptions.JobTimeout"/> after the current attempt started; null without a timeout.</summary>
        public ITimer? AttemptTimer { get; set; }

        /// <summary>The current attempt was cancelled by <see cref="RegenerationOptions.JobTimeout"/> (and nobody cancelled the job since).</summary>
        public bool TimedOut { get; set; }

        public IReadOnlyList<DescriptorId> Descriptors => _descriptors;

        public IReadOnlyList<string> RequestingElementIds => _elements;

        public void AddDescriptor(DescriptorId descriptor) => _descriptors = Insert(_descriptors, descriptor, Comparer<DescriptorId>.Default);

        public void AddElements(IReadOnlyList<string> elementIds)
        {
            foreach (var element in elementIds)
            {
                _elements = Insert(_elements, element, StringComparer.Ordinal);
            }
        }

        public void AddRequestInfo(RegenerationRequest request)
        {
            HasManualRequest |= !request.IsAutomatic;
            if (request.TriggerDetail is { } detail && !(TriggerDetails?.Contains(detail) ?? false))
            {
                (TriggerDetails ??= []).Add(detail);
            }
        }

        public void AddRequester(Requester requester)
        {
            if (_firstRequester is null)
            {
                _firstRequester = requester;
            }
            else
            {
                (_moreRequesters ??= []).Add(requester);
            }

            LiveRequesters++;
        }

        /// <summary>A requester stopped waiting: the job forgets it (under the queue lock), so cancelled waits do not pile up on a long job.</summary>
        public void RemoveRequester(Requester requester)
        {
            if (ReferenceEquals(_firstRequester, requester))
            {
                _firstRequester = null;
            }
            else if (_moreRequesters is { } more && more.LastIndexOf(requester) is var index and >= 0)
            {
                // From the end: the requester that joined last usually leaves first.
                more.RemoveAt(index);
            }

            LiveRequesters--;
        }

        /// <summary>Completes every requester still waiting with the job's outcome (under the queue lock).</summary>
        public void CompleteRequesters(RegenerationOutcome outcome)
        {
            _firstRequester?.OnJobCompleted(outcome);
            if (_moreRequesters is { } more)
            {
                foreach (var requester in more)
                {
                    requester.OnJobCompleted(outcome);
                }
            }

            _firstRequester = null;
            _moreRequesters = null;
        }

        public void Execute() => _ = owner.RunAsync(this);

        public void Report(AnalysisProgress value) => owner.OnProgress(this, value);

        private static T[] Insert<T>(T[] sorted, T item, IComparer<T> comparer)
        {
            var index = Array.BinarySearch(sorted, item, comparer);
            if (index >= 0)
            {
                return sorted;
            }

            index = ~index;
            var grown = new T[sorted.Length + 1];
            Array.Copy(sorted, grown, index);
            grown[index] = item;
            Array.Copy(sorted, index, grown, index + 1, sorted.Length - index);
            return grown;
        }
    }
}
