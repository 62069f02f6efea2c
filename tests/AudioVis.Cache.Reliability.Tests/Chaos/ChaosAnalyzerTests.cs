using System.Diagnostics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Reliability.Tests.Load;

namespace AudioVis.Cache.Reliability.Tests.Chaos;

/// <summary>
/// Issue #12, item 6: faults in the analysis worker. A chaos analyzer fails at random, hangs past the job timeout (some
/// hangs observe cancellation at once, some only after twice the timeout) while the worker's availability flaps; every
/// job must still end with a final status, hung attempts must be cancelled by the job timeout and free their key, and
/// nothing may deadlock.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChaosAnalyzerTests
{
    private const int Flaps = 50;
    private const int InFlightPerProducer = 8;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Test]
    [CancelAfter(300_000)]
    public async Task ChaosAnalyzer_EveryJobEndsFinal_HungAttemptsTimeOutAndFreeTheirKey_NoDeadlock()
    {
        var targetJobs = ReliabilityTier.Pick(1_000, 10_000);
        var chaos = new ChaosBehaviour(seed: 6);
        var analyzer = new ProbeAnalyzer(chaos.RunAsync);
        await using var rig = new QueueRig(analyzer, o =>
        {
            o.JobTimeout = JobTimeout;
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(5);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        });
        var log = new JobLog();
        using var subscription = rig.Queue.Subscribe(log.Add);
        var keys = QueueRig.Keys(10);
        var descriptors = QueueRig.Descriptors(50);
        var clock = Stopwatch.StartNew();

        // Short outages with up-times around the job timeout, so attempts fail during outages (no attempt spent) and
        // between them (retried, then failed); at least Flaps of them, on until the last job was created.
        var flapping = Task.Run(async () =>
        {
            var random = new Random(60);
            var flaps = 0;
            for (; flaps < Flaps || log.JobsCreated < targetJobs; flaps++)
            {
                rig.Availability.SetAvailable(false);
                await Task.Delay(random.Next(0, 5));
                rig.Availability.SetAvailable(true);
                await Task.Delay(random.Next(20, 150));
            }

            return flaps;
        });
        var tickets = await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var random = new Random(600 + p);
            var mine = new List<RegenerationTicket>();
            while (log.JobsCreated < targetJobs)
            {
                var request = new RegenerationRequest(keys[random.Next(keys.Length)], [descriptors[random.Next(descriptors.Length)]], RegenerationReason.Manual);
                mine.Add(rig.Queue.Enqueue(request));
                if (mine.Count >= InFlightPerProducer)
                {
                    await mine[^InFlightPerProducer].Completion.WaitAsync(Bound).ConfigureAwait(false);
                }
            }

            return mine;
        })));
        var flaps = await flapping.WaitAsync(Bound);
        var outcomes = await Task.WhenAll(tickets.SelectMany(t => t).Select(t => t.Completion)).WaitAsync(Bound);
        clock.Stop();

        var failed = outcomes.Where(o => o.Status == RegenerationStatus.Failed).DistinctBy(o => o.JobId).ToArray();
        var timedOut = failed.Count(o => o.Error is TimeoutException);
        Assert.Multiple(() =>
        {
            Assert.That(log.JobsCreated, Is.GreaterThanOrEqualTo(targetJobs));
            Assert.That(log.JobsWithoutFinal, Is.Empty, "jobs without a final status");
            Assert.That(log.EventsAfterFinal, Is.Zero, "events after a final status");
            Assert.That(outcomes.Select(o => o.Status).Distinct(), Is.SubsetOf(new[] { RegenerationStatus.Succeeded, RegenerationStatus.Failed }), "nobody cancelled anything");
            Assert.That(failed.Where(o => o.Error is not (TimeoutException or ChaosException)), Is.Empty, "failures are the chaos's own or timeouts");
            Assert.That(chaos.Hangs, Is.GreaterThan(0), "the chaos hung some attempts");
            Assert.That(chaos.HangsCancelled, Is.EqualTo(chaos.Hangs), "every hung attempt was cancelled (by the job timeout: nothing else cancels)");
            Assert.That(chaos.Failures, Is.GreaterThan(0), "the chaos failed some attempts");
            Assert.That(log.TimeoutEvents, Is.GreaterThan(0), "timed-out attempts are reported with the TimeoutException (retried, deferred by an outage, or failed)");
            Assert.That(analyzer.KeyOverlaps, Is.Zero, "a key ran a second analysis while a hung one still ran");
            Assert.That(rig.Queue.IsPaused, Is.False);
            Assert.That(rig.Logger.QueueFaults, Is.Zero);
        });
        ReliabilityTier.Report($"chaos: {log.JobsCreated} jobs ({outcomes.Length} requests, {analyzer.Calls} attempts) with {chaos.Failures} random failures, {chaos.Hangs} hangs past a {JobTimeout.TotalMilliseconds} ms job timeout ({chaos.StubbornHangs} ignoring cancellation for 2x the timeout), {flaps} availability flaps -> every job final ({outcomes.Count(o => o.Succeeded)} requests succeeded, {failed.Length} jobs failed, {timedOut} of them by timeout; {log.TimeoutEvents} events carried a timeout), {chaos.HangsCancelled}/{chaos.Hangs} hangs cancelled, 0 key overlaps, {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The analyzer's behaviour per attempt: 15% fail, 5% hang until cancelled, 2% hang ignoring cancellation for twice the timeout, the rest succeed after a little work.</summary>
    private sealed class ChaosBehaviour(int seed)
    {
        private readonly Lock _gate = new();
        private readonly Random _random = new(seed);
        private int _failures;
        private int _hangs;
        private int _stubbornHangs;
        private int _hangsCancelled;

        public int Failures => Volatile.Read(ref _failures);

        public int Hangs => Volatile.Read(ref _hangs);

        public int StubbornHangs => Volatile.Read(ref _stubbornHangs);

        public int HangsCancelled => Volatile.Read(ref _hangsCancelled);

        public async ValueTask RunAsync(AnalysisRequest request, CancellationToken token)
        {
            int roll;
            lock (_gate)
            {
                roll = _random.Next(100);
            }

            if (roll < 15)
            {
                Interlocked.Increment(ref _failures);
                await Task.Yield();
                throw new ChaosException($"chaos failure analysing {request.Key}");
            }

            if (roll < 22)
            {
                Interlocked.Increment(ref _hangs);
                try
                {
                    if (roll < 17)
                    {
                        Interlocked.Increment(ref _stubbornHangs);
                        await Task.Delay(JobTimeout * 2, CancellationToken.None).ConfigureAwait(false);
                        token.ThrowIfCancellationRequested();
                    }
                    else
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _hangsCancelled);
                    throw;
                }
            }

            await Task.Delay(roll % 3).ConfigureAwait(false);
        }
    }

    /// <summary>The chaos analyzer's own failure.</summary>
    private sealed class ChaosException(string message) : Exception(message);

    /// <summary>Every job seen, whether it reached a final status, and events that came after one (there must be none).</summary>
    private sealed class JobLog
    {
        // Handlers run under the queue's lock, one at a time; JobsCreated is read by producers, so it is published with Volatile.
        private readonly Dictionary<long, bool> _finalByJob = [];
        private int _jobsCreated;

        public int JobsCreated => Volatile.Read(ref _jobsCreated);

        public int EventsAfterFinal { get; private set; }

        public int TimeoutEvents { get; private set; }

        public IReadOnlyList<long> JobsWithoutFinal => [.. _finalByJob.Where(j => !j.Value).Select(j => j.Key)];

        public void Add(RegenerationStatusChanged change)
        {
            if (!_finalByJob.TryGetValue(change.JobId, out var final))
            {
                Volatile.Write(ref _jobsCreated, _jobsCreated + 1);
            }
            else if (final)
            {
                EventsAfterFinal++;
            }

            if (change.Error is TimeoutException)
            {
                TimeoutEvents++;
            }

            _finalByJob[change.JobId] = change.IsFinal;
        }
    }
}
