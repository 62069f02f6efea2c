using System.Diagnostics;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Reliability.Tests.Load;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Reliability.Tests.Shutdown;

/// <summary>
/// Issue #12, item 7: disposing the queue while producers enqueue, requesters cancel and analyses run (some ignoring
/// cancellation past the dispose timeout), from plain threads and from inside status handlers, at seeded random moments.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ShutdownUnderLoadTests
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromMilliseconds(200);

    // What comes on top of the dispose timeout: status handlers for the final events and thread-pool scheduling on a busy CI machine.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public enum DisposeFrom
    {
        /// <summary><see cref="RegenerationQueue.Dispose"/> on a thread of its own.</summary>
        ThreadSync,

        /// <summary><see cref="RegenerationQueue.DisposeAsync"/> on a thread of its own, blocking on the task.</summary>
        ThreadAsync,

        /// <summary><see cref="RegenerationQueue.Dispose"/> inside a status handler.</summary>
        HandlerSync,

        /// <summary><see cref="RegenerationQueue.DisposeAsync"/> inside a status handler, not awaited there.</summary>
        HandlerAsync,
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task DisposeUnderLoad_ReturnsWithinItsTimeout_EveryJobFinal_NoUnobservedTaskException()
    {
        var runs = ReliabilityTier.Pick(100, 1_000);
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        var results = new List<RunResult>(runs);
        try
        {
            for (var run = 0; run < runs; run++)
            {
                results.Add(await RunOnceAsync(new Random(7000 + run), (DisposeFrom)(run % 4)));
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        var took = results.Select(r => r.DisposeTook).Order().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(results.Where(r => r.DisposeTook > DisposeTimeout + Slack).Select(r => r.ToString()), Is.Empty, "disposals slower than their timeout");
            Assert.That(results.Where(r => r.PendingTickets > 0).Select(r => r.ToString()), Is.Empty, "tickets left pending after disposal");
            Assert.That(results.Where(r => r.JobsWithoutFinal > 0).Select(r => r.ToString()), Is.Empty, "jobs left without a final status");
            Assert.That(results.Where(r => r.QueueFaults > 0).Select(r => r.ToString()), Is.Empty, "queue faults logged");
            Assert.That(unobserved, Is.Empty, "unobserved task exceptions");
            foreach (var from in Enum.GetValues<DisposeFrom>())
            {
                Assert.That(results.Count(r => r.From == from), Is.GreaterThan(0), $"no run disposed from {from}");
            }
        });
        ReliabilityTier.Report($"shutdown: {runs} runs ({string.Join(", ", results.GroupBy(r => r.From).Select(g => $"{g.Count()} {g.Key}"))}), {results.Sum(r => r.Tickets)} requests, {results.Sum(r => r.Jobs)} jobs, {results.Count(r => r.Stubborn)} runs where an analyzer ignored cancellation past the {DisposeTimeout.TotalMilliseconds} ms dispose timeout -> dispose took median {took[took.Length / 2].TotalMilliseconds:F0} ms, 99th percentile {took[took.Length * 99 / 100].TotalMilliseconds:F0} ms, slowest {took[^1].TotalMilliseconds:F0} ms, 0 pending tickets, 0 jobs without final status, {unobserved.Count} unobserved task exceptions");
    }

    private static async Task<RunResult> RunOnceAsync(Random random, DisposeFrom from)
    {
        // Some runs have an analyzer that ignores cancellation for up to twice the dispose timeout.
        var stubborn = random.Next(5) == 0;
        var analyzer = new ProbeAnalyzer(async (_, token) =>
        {
            var delay = Random.Shared.Next(0, 4);
            if (stubborn && delay == 0)
            {
                await Task.Delay(DisposeTimeout * 2, CancellationToken.None).ConfigureAwait(false);
            }

            await Task.Delay(delay, token).ConfigureAwait(false);
        });
        var rig = new QueueRig(analyzer, o =>
        {
            o.MaxDegreeOfParallelism = 3;
            o.DisposeTimeout = DisposeTimeout;
        });
        var log = new FinalLog();
        var disposer = new Disposer(rig.Queue, from, triggerAtEvent: random.Next(1, 60));
        using var recording = rig.Queue.Subscribe(log.Add);
        using var trigger = rig.Queue.Subscribe(disposer.OnEvent);
        var keys = QueueRig.Keys(3);
        var descriptors = QueueRig.Descriptors(20);
        var producers = Enumerable.Range(0, 3).Select(p => ProduceAsync(rig.Queue, new Random(random.Next()), keys, descriptors)).ToArray();

        // Plain threads dispose after a random moment; handlers on a random event (or, if the run is quiet, at that moment too).
        await Task.Delay(random.Next(0, 30));
        await disposer.DisposeFromThreadAsync();
        await rig.Queue.DisposeAsync().AsTask().WaitAsync(Bound);
        var disposeTook = await disposer.Elapsed.WaitAsync(Bound);
        var tickets = (await Task.WhenAll(producers).WaitAsync(Bound)).SelectMany(t => t).ToArray();
        return new RunResult(
            disposer.ActualFrom,
            disposeTook,
            stubborn,
            tickets.Length,
            log.Jobs,
            tickets.Count(t => !t.Completion.IsCompleted),
            log.JobsWithoutFinal,
            rig.Logger.QueueFaults);
    }

    private static async Task<List<RegenerationTicket>> ProduceAsync(RegenerationQueue queue, Random random, CacheKey[] keys, DescriptorId[] descriptors)
    {
        await Task.Yield();
        var tickets = new List<RegenerationTicket>();
        var cancellations = new List<CancellationTokenSource>();
        try
        {
            while (true)
            {
                var request = new RegenerationRequest(keys[random.Next(keys.Length)], [descriptors[random.Next(descriptors.Length)]], RegenerationReason.Manual);
                CancellationToken token = default;
                if (random.Next(3) == 0)
                {
                    var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 5)));
                    cancellations.Add(cancellation);
                    token = cancellation.Token;
                }

                tickets.Add(queue.Enqueue(request, token));
                if (random.Next(4) == 0)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The queue was disposed: this producer is done.
        }
        finally
        {
            foreach (var cancellation in cancellations)
            {
                cancellation.Dispose();
            }
        }

        return tickets;
    }

    private sealed record RunResult(DisposeFrom From, TimeSpan DisposeTook, bool Stubborn, int Tickets, int Jobs, int PendingTickets, int JobsWithoutFinal, int QueueFaults);

    /// <summary>Disposes the queue once: from a status handler at its trigger event, or from a plain thread.</summary>
    private sealed class Disposer(RegenerationQueue queue, DisposeFrom from, int triggerAtEvent)
    {
        private readonly Stopwatch _clock = new();
        private readonly TaskCompletionSource<TimeSpan> _elapsed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _events;
        private int _disposed;

        /// <summary>Where the disposal was called from (a handler run whose trigger event never came fell back to a thread).</summary>
        public DisposeFrom ActualFrom { get; private set; }

        /// <summary>From the dispose call until the disposal completed (for a handler's call, until the task it started completed).</summary>
        public Task<TimeSpan> Elapsed => _elapsed.Task;

        public void OnEvent(RegenerationStatusChanged change)
        {
            if ((from is DisposeFrom.HandlerSync or DisposeFrom.HandlerAsync) && ++_events == triggerAtEvent)
            {
                DisposeOnce(from);
            }
        }

        /// <summary>Called by the test after a random moment: a thread run disposes now; a handler run whose trigger never came falls back to a thread.</summary>
        public Task DisposeFromThreadAsync()
        {
            var actual = from switch
            {
                DisposeFrom.ThreadAsync or DisposeFrom.HandlerAsync => DisposeFrom.ThreadAsync,
                _ => DisposeFrom.ThreadSync,
            };

            // Awaited, not joined: the test's thread-pool thread stays free for the queue's own work.
            var returned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                DisposeOnce(actual);
                returned.SetResult();
            }).Start();
            return returned.Task;
        }

        private void DisposeOnce(DisposeFrom how)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            ActualFrom = how;
            _clock.Start();
            Task disposal;
            if (how is DisposeFrom.ThreadSync or DisposeFrom.HandlerSync)
            {
                queue.Dispose();
                disposal = queue.DisposeAsync().AsTask();
            }
            else
            {
                disposal = queue.DisposeAsync().AsTask();
                if (how == DisposeFrom.ThreadAsync)
                {
                    disposal.GetAwaiter().GetResult();
                }
            }

            // Every call returns the one disposal task: time it to its end wherever it was started.
            _ = disposal.ContinueWith(_ => _elapsed.TrySetResult(_clock.Elapsed), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Every job seen and whether its last event was final.</summary>
    private sealed class FinalLog
    {
        // Handlers run under the queue's lock, one at a time.
        private readonly Dictionary<long, bool> _finalByJob = [];

        public int Jobs => _finalByJob.Count;

        public int JobsWithoutFinal => _finalByJob.Count(j => !j.Value);

        public void Add(RegenerationStatusChanged change) => _finalByJob[change.JobId] = change.IsFinal;
    }
}
