using AudioVis.Cache.Analysis;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static AudioVis.Cache.Tests.Regeneration.QueueHarness;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>
/// Issue #9, item 7: disposing the queue (or the service provider that owns it) from a status handler, a job-ended
/// handler, a continuation a handler ran inline, a requester's continuation or another thread returns; every job still
/// ends with a final status and its history entry is appended. Every wait is bounded, so a regression fails instead of hanging.
/// </summary>
public sealed partial class RegenerationQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public enum DisposeCall
    {
        /// <summary><see cref="IDisposable.Dispose"/> (sync over async).</summary>
        Sync,

        /// <summary><see cref="IAsyncDisposable.DisposeAsync"/>, awaited.</summary>
        Async,
    }

    [Test]
    public void Dispose_FromStatusHandler_ReturnsAndEveryJobEndsWithHistory(
        [Values(RegenerationStatus.Running, RegenerationStatus.Succeeded, RegenerationStatus.Failed, RegenerationStatus.Cancelled)] RegenerationStatus trigger,
        [Values] DisposeCall call)
    {
        var h = new QueueHarness(o =>
        {
            o.MaxDegreeOfParallelism = 1;
            o.Retry.MaxAttempts = 1;
        });
        if (trigger is RegenerationStatus.Running or RegenerationStatus.Cancelled)
        {
            h.Analyzer.Hold();
        }

        if (trigger == RegenerationStatus.Failed)
        {
            h.Analyzer.FailWith = _ => new InvalidOperationException("analysis failed");
        }

        h.Availability.SetAvailable(false);
        var first = h.Queue.Enqueue(Request("a.wav", "rms"));
        var second = h.Queue.Enqueue(Request("b.wav", "rms"));
        var disposer = new HandlerDisposer(h.Queue, call);
        using var subscription = h.Queue.Subscribe(e =>
        {
            if (e.JobId == first.JobId && e.Status == trigger)
            {
                disposer.DisposeOnce();
            }
        });
        h.Availability.SetAvailable(true);
        if (trigger == RegenerationStatus.Cancelled)
        {
            Within(() => h.Analyzer.WaitForCallsAsync(1), "the first job runs");
            Within(() => Task.Run(() => h.Queue.Cancel(first.JobId)), "Cancel returns");
        }

        disposer.AssertReturned();
        AssertEveryJobEnded(h, [first, second], firstStatus: trigger == RegenerationStatus.Running ? RegenerationStatus.Cancelled : trigger);
    }

    [Test]
    public void Dispose_FromContinuationAHandlerCompletedSynchronously_Returns([Values] DisposeCall call)
    {
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        h.Analyzer.Hold();
        h.Availability.SetAvailable(false);
        var first = h.Queue.Enqueue(Request("a.wav", "rms"));
        var second = h.Queue.Enqueue(Request("b.wav", "rms"));

        // TaskCreationOptions.None: the awaiting method below resumes inline on the handler's thread, under the queue's lock.
        var signal = new TaskCompletionSource();
        var disposer = new HandlerDisposer(h.Queue, call);
        var continuation = DisposeAfterAsync(signal.Task, disposer);
        using var subscription = h.Queue.Subscribe(e =>
        {
            if (e.JobId == first.JobId && e.Status == RegenerationStatus.Running)
            {
                signal.TrySetResult();
            }
        });
        h.Availability.SetAvailable(true);

        disposer.AssertReturned();
        Within(() => continuation, "the continuation ends");
        AssertEveryJobEnded(h, [first, second], firstStatus: RegenerationStatus.Cancelled);

        static async Task DisposeAfterAsync(Task signal, HandlerDisposer disposer)
        {
            await signal.ConfigureAwait(false);
            disposer.DisposeOnce();
        }
    }

    [Test]
    public void Dispose_FromJobEndedHandler_Returns([Values] DisposeCall call)
    {
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        h.Availability.SetAvailable(false);
        var first = h.Queue.Enqueue(Request("a.wav", "rms"));
        var second = h.Queue.Enqueue(Request("b.wav", "rms"));
        var disposer = new HandlerDisposer(h.Queue, call);
        using var subscription = h.Queue.SubscribeJobEnded(key =>
        {
            if (key == first.Key)
            {
                disposer.DisposeOnce();
            }
        });
        h.Availability.SetAvailable(true);

        disposer.AssertReturned();
        AssertEveryJobEnded(h, [first, second], firstStatus: RegenerationStatus.Succeeded);
    }

    [Test]
    public void Dispose_FromRequesterCompletionContinuation_Returns([Values] DisposeCall call)
    {
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        h.Analyzer.Hold();
        h.Availability.SetAvailable(false);
        var first = h.Queue.Enqueue(Request("a.wav", "rms"));
        var second = h.Queue.Enqueue(Request("b.wav", "rms"));
        var disposer = new HandlerDisposer(h.Queue, call);
        var continuation = first.Completion.ContinueWith(_ => disposer.DisposeOnce(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        h.Availability.SetAvailable(true);
        Within(() => h.Analyzer.WaitForCallsAsync(1), "the first job runs");
        Within(() => Task.Run(() => h.Queue.Cancel(first.JobId)), "Cancel returns");

        disposer.AssertReturned();
        Within(() => continuation, "the continuation ends");
        AssertEveryJobEnded(h, [first, second], firstStatus: RegenerationStatus.Cancelled);
    }

    [Test]
    public void Dispose_FromEveryStatusEventIncludingTheCancellationsItRaises_Returns([Values] DisposeCall call)
    {
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 2);
        h.Analyzer.Hold();
        h.Availability.SetAvailable(false);
        var tickets = Enumerable.Range(0, 5).Select(i => h.Queue.Enqueue(Request($"t{i}.wav", "rms"))).ToArray();
        var disposer = new HandlerDisposer(h.Queue, call);
        using var subscription = h.Queue.Subscribe(_ => disposer.DisposeEveryTime());

        // The first dispose comes from a Queued event raised while the queue walks its jobs to report the open gate.
        Within(() => Task.Run(() => h.Availability.SetAvailable(true)), "reopening the gate returns");

        disposer.AssertReturned();
        AssertEveryJobEnded(h, tickets, firstStatus: RegenerationStatus.Cancelled);
        Assert.That(disposer.Calls, Is.GreaterThan(1), "the handler disposed again on the Cancelled events the disposal raised");
    }

    [Test]
    public void Dispose_FromStatusHandlerWhileAnalyzerIgnoresCancellation_CompletesAfterDisposeTimeout([Values] DisposeCall call)
    {
        // A real clock: the dispose timeout must elapse by itself while the handler's thread is long gone.
        var h = new QueueHarness(
            o =>
            {
                o.MaxDegreeOfParallelism = 2;
                o.DisposeTimeout = TimeSpan.FromMilliseconds(300);
            },
            queueTime: TimeProvider.System);
        h.Analyzer.HonorCancellation = false;
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        Within(() => h.Analyzer.WaitForCallsAsync(1), "the first job runs");
        var disposer = new HandlerDisposer(h.Queue, call);
        using var subscription = h.Queue.Subscribe(e =>
        {
            if (e.Key == Key("b.wav") && e.Status == RegenerationStatus.Running)
            {
                disposer.DisposeOnce();
            }
        });
        var second = h.Queue.Enqueue(Request("b.wav", "rms"));

        disposer.AssertReturned();
        Within(() => h.Queue.DisposeAsync().AsTask(), "the disposal completes once its timeout elapsed");
        h.Analyzer.Release();
        Assert.Multiple(() =>
        {
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 2007), Is.EqualTo(1), "the timeout was logged");
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(1), "the job whose Running handler disposed never reached the analyzer");
        });
        AssertEveryJobEnded(h, [running, second], firstStatus: RegenerationStatus.Cancelled);
    }

    [Test]
    public void Dispose_FromAnotherThreadWhileHandlersAreSlow_ReturnsWithinDisposeTimeout([Values] DisposeCall call)
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        var h = new QueueHarness(
            o =>
            {
                o.MaxDegreeOfParallelism = 2;
                o.DisposeTimeout = timeout;
            },
            queueTime: TimeProvider.System);
        h.Analyzer.HonorCancellation = false;
        h.Analyzer.Hold();
        using var slow = h.Queue.Subscribe(_ => Thread.Sleep(20));
        var tickets = Enumerable.Range(0, 6).Select(i => h.Queue.Enqueue(Request($"t{i}.wav", "rms"))).ToArray();
        Within(() => h.Analyzer.WaitForCallsAsync(2), "two jobs run");
        using var progress = h.Queue.Subscribe(_ => Thread.Sleep(20));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Within(() => Task.Run(async () =>
        {
            if (call == DisposeCall.Sync)
            {
                h.Queue.Dispose();
            }
            else
            {
                await h.Queue.DisposeAsync();
            }
        }), "dispose from another thread returns");
        watch.Stop();
        h.Analyzer.Release();

        Assert.That(watch.Elapsed, Is.LessThan(timeout + TimeSpan.FromSeconds(3)), "the dispose timeout bounds the wait (plus the handlers' time for the final events)");
        AssertEveryJobEnded(h, tickets, firstStatus: RegenerationStatus.Cancelled);
    }

    [Test]
    public void ServiceProviderDispose_FromStatusHandler_ReturnsAndEveryJobEndsWithHistory()
    {
        var analyzer = new FakeAnalyzer();
        var services = new ServiceCollection();
        services.AddSingleton<IAudioAnalyzer>(analyzer);
        services.AddAudioVisCache().ConfigureRegeneration(o =>
        {
            o.MaxDegreeOfParallelism = 1;
            o.DisposeTimeout = TimeSpan.FromSeconds(1);
        });
        var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<IRegenerationQueue>();
        var history = provider.GetRequiredService<IHistoryStore>();
        var availability = (AnalysisAvailability)provider.GetRequiredService<IAnalysisAvailability>();
        availability.SetAvailable(false);
        var first = queue.Enqueue(Request("a.wav", "rms"));
        var second = queue.Enqueue(Request("b.wav", "rms"));
        var returned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var once = 0;
        using var subscription = queue.Subscribe(e =>
        {
            if (e.JobId == first.JobId && e.Status == RegenerationStatus.Succeeded && Interlocked.Exchange(ref once, 1) == 0)
            {
                try
                {
                    provider.Dispose();
                    returned.TrySetResult();
                }
                catch (Exception ex)
                {
                    returned.TrySetException(ex);
                }
            }
        });
        availability.SetAvailable(true);

        Assert.That(returned.Task.Wait(Bound), Is.True, "ServiceProvider.Dispose returned inside the handler");
        Within(() => queue.DisposeAsync().AsTask(), "the queue's disposal completes");
        Within(() => Task.WhenAll(first.Completion, second.Completion), "every requester completes");
        var entries = history.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize }).AsTask().Result.Entries;
        Assert.Multiple(() =>
        {
            Assert.That(first.Completion.Result.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(second.Completion.Result.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(entries.Select(e => e.JobId), Is.EquivalentTo(new[] { first.JobId, second.JobId }), "the cancelled job's history entry was appended too");
        });
    }

    /// <summary>Runs <paramref name="action"/> on the thread pool and fails (instead of hanging) when it does not end within <see cref="Bound"/>.</summary>
    private static void Within(Func<Task> action, string what) =>
        Assert.That(Task.Run(action).Wait(Bound), Is.True, $"{what} within {Bound.TotalSeconds} s");

    private static void AssertEveryJobEnded(QueueHarness h, RegenerationTicket[] tickets, RegenerationStatus firstStatus)
    {
        Within(() => h.Queue.DisposeAsync().AsTask(), "the queue's disposal completes");
        Within(() => Task.WhenAll(tickets.Select(t => t.Completion)), "every requester completes");
        IReadOnlyList<HistoryEntry> entries = [];
        Within(async () => entries = await h.HistoryAsync(), "the history is flushed");
        var last = h.Events.LastByJob();
        Assert.Multiple(() =>
        {
            Assert.That(tickets[0].Completion.Result.Status, Is.EqualTo(firstStatus));
            Assert.That(tickets.Skip(1).Select(t => t.Completion.Result.Status), Is.All.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(tickets.Select(t => last[t.JobId].Status), Is.EqualTo(tickets.Select(t => t.Completion.Result.Status)), "each job's last event is its final status");
            Assert.That(entries.Select(e => e.JobId), Is.EquivalentTo(tickets.Select(t => t.JobId)), "one history entry per job, cancelled ones included");
            Assert.That(() => h.Queue.Enqueue(Request("x.wav", "rms")), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(h.Logs.GetSnapshot().Where(r => r.Id.Id is 1001 or 3001 or 3003).Select(r => r.Message), Is.Empty, "no subscriber threw, no history entry was lost");
        });
        Within(() => h.DisposeAsync().AsTask(), "the harness disposes");
    }

    /// <summary>Disposes the queue from whatever thread calls it (a handler, a continuation) and records that the call returned.</summary>
    private sealed class HandlerDisposer(RegenerationQueue queue, DisposeCall call)
    {
        private readonly TaskCompletionSource _returned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void DisposeOnce()
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Dispose();
            }
        }

        public void DisposeEveryTime()
        {
            Interlocked.Increment(ref _calls);
            Dispose();
        }

        public void AssertReturned() =>
            Assert.That(_returned.Task.Wait(Bound), Is.True, $"{call} dispose returned to its caller within {Bound.TotalSeconds} s");

        private void Dispose()
        {
            try
            {
                if (call == DisposeCall.Sync)
                {
                    queue.Dispose();
                    _returned.TrySetResult();
                }
                else
                {
                    _ = ObserveAsync(queue.DisposeAsync().AsTask());
                }
            }
            catch (Exception ex)
            {
                _returned.TrySetException(ex);
            }
        }

        private async Task ObserveAsync(Task disposal)
        {
            // The awaiting form: the handler awaits the disposal; the handler itself has returned when this resumes.
            try
            {
                await disposal.ConfigureAwait(false);
                _returned.TrySetResult();
            }
            catch (Exception ex)
            {
                _returned.TrySetException(ex);
            }
        }
    }
}
