using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using static AudioVis.Cache.Tests.Regeneration.QueueHarness;

namespace AudioVis.Cache.Tests.Regeneration;

public sealed partial class RegenerationQueueTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    [TestCase(10)]
    [TestCase(100)]
    [TestCase(1000)]
    public async Task Enqueue_ConcurrentRequestsForOneDescriptorWhileHeld_RunOnceAndShareOneOutcome(int requesters)
    {
        await using var h = new QueueHarness();

        var firstWave = await RunWaveAsync(h, requesters);
        var secondWave = await RunWaveAsync(h, requesters);

        Assert.Multiple(() =>
        {
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(2), "one analysis per wave");
            Assert.That(firstWave.Distinct().Count(), Is.EqualTo(1), "every requester of the first wave sees the same outcome instance");
            Assert.That(secondWave.Distinct().Count(), Is.EqualTo(1), "every requester of the second wave sees the same outcome instance");
            Assert.That(firstWave[0].Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(secondWave[0].Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(secondWave[0].JobId, Is.Not.EqualTo(firstWave[0].JobId));
            Assert.That(firstWave[0].Records.Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "rms" }));
        });

        static async Task<RegenerationOutcome[]> RunWaveAsync(QueueHarness h, int requesters)
        {
            h.Analyzer.Hold();
            var calls = h.Analyzer.CallCount;
            var tickets = new RegenerationTicket[requesters];
            Parallel.For(0, requesters, i => tickets[i] = h.Queue.Enqueue(Request("a.wav", "rms")));
            await h.Analyzer.WaitForCallsAsync(calls + 1);
            h.Analyzer.Release();
            return await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Safety);
        }
    }

    [Test]
    public async Task Enqueue_64Keys50JobsWithJitter_SerialFifoPerKeyAndReachesParallelism()
    {
        const int Keys = 64;
        const int JobsPerKey = 50;
        const int Degree = 8;
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = Degree);
        var jitter = new Random(1234);
        h.Analyzer.ReleaseWhenConcurrent = Degree;
        h.Analyzer.Jitter = async _ =>
        {
            int yields;
            lock (jitter)
            {
                yields = jitter.Next(0, 4);
            }

            for (var i = 0; i < yields; i++)
            {
                await Task.Yield();
            }
        };

        var tickets = new RegenerationTicket[Keys, JobsPerKey];
        Parallel.For(0, Keys, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            for (var j = 0; j < JobsPerKey; j++)
            {
                tickets[k, j] = h.Queue.Enqueue(Request($"track-{k:D2}.wav", $"rms@ch{j + 1}"));
            }
        });
        var outcomes = await Task.WhenAll(tickets.Cast<RegenerationTicket>().Select(t => t.Completion)).WaitAsync(Safety);

        var events = h.Events.Snapshot();
        var lastByJob = h.Events.LastByJob();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Has.Length.EqualTo(Keys * JobsPerKey));
            Assert.That(outcomes.All(o => o.Status == RegenerationStatus.Succeeded), Is.True);
            Assert.That(lastByJob.Values.All(e => e.Status == RegenerationStatus.Succeeded), Is.True, "every job ends in a final status");
            Assert.That(h.Analyzer.MaxConcurrentPerKey, Is.EqualTo(1), "never more than one running job per key");
            Assert.That(h.Analyzer.MaxConcurrent, Is.EqualTo(Degree), "cross-key concurrency reaches the configured degree and never exceeds it");
            Assert.That(h.Analyzer.Calls.Sum(c => c.Descriptors.Count), Is.EqualTo(Keys * JobsPerKey), "every descriptor analysed exactly once");
            for (var k = 0; k < Keys; k++)
            {
                var key = Key($"track-{k:D2}.wav");
                var jobIdsInRequestOrder = Enumerable.Range(0, JobsPerKey).Select(j => tickets[k, j].Completion.Result.JobId).ToArray();
                Assert.That(jobIdsInRequestOrder, Is.Ordered, $"requests of {key} complete in FIFO order");
                var runOrder = events.Where(e => e.Key == key && e.Status == RegenerationStatus.Running && e.Progress == 0 && e.CurrentDescriptor is null).Select(e => e.JobId).ToArray();
                Assert.That(runOrder, Is.Ordered.And.Unique, $"jobs of {key} start in FIFO order, once each");
            }
        });
    }

    [Test]
    public async Task Enqueue_WhileUnavailable_RunsNothingKeepsJobsAndResumesOnReconnect()
    {
        await using var h = new QueueHarness();
        h.Availability.SetAvailable(false);
        var gated = h.Queue.WhenDispatcherGatedAsync();

        var tickets = Enumerable.Range(0, 20).Select(i => h.Queue.Enqueue(Request($"t{i % 10}.wav", i < 10 ? "rms" : "spectral.centroid"))).ToArray();
        await gated.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(h.Analyzer.CallCount, Is.Zero);
            Assert.That(h.Queue.IsPaused, Is.True);
            Assert.That(tickets.Any(t => t.Completion.IsCompleted), Is.False);
            Assert.That(h.Events.LastByJob().Values.Select(e => e.Status).Distinct(), Is.EqualTo(new[] { RegenerationStatus.Paused }));
        });

        h.Availability.SetAvailable(true);
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.All(o => o.Succeeded), Is.True);
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(10), "the two requests of each paused key merged into one job");
            Assert.That(h.Queue.IsPaused, Is.False);
        });
    }

    [Test]
    public async Task Enqueue_50RandomAvailabilityFlaps_NoDuplicateRunsNoLostJobsNoBudgetSpent()
    {
        await using var h = new QueueHarness(o => o.Retry.MaxAttempts = 1);
        var written = new ConcurrentDictionary<(CacheKey, DescriptorId), int>();
        h.Analyzer.Jitter = async _ => await Task.Yield();
        h.Analyzer.FailWith = r => h.Availability.IsAvailable ? null : new IOException("analysis worker unavailable");
        var rng = new Random(50);
        var tickets = new List<RegenerationTicket>();
        var flaps = 0;
        string[] descriptors = ["rms", "spectral.centroid", "onset.strength", "spectrum.bands32@L", "waveform.peak"];
        for (var i = 0; i < 200; i++)
        {
            tickets.Add(h.Queue.Enqueue(Request($"t{i % 40}.wav", descriptors[i / 40])));
            if (flaps < 50 && rng.Next(4) == 0)
            {
                h.Availability.SetAvailable(!h.Availability.IsAvailable);
                flaps++;
            }
        }

        while (flaps < 50)
        {
            h.Availability.SetAvailable(!h.Availability.IsAvailable);
            flaps++;
            await Task.Yield();
        }

        h.Availability.SetAvailable(true);
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Safety);
        foreach (var call in h.Analyzer.Calls)
        {
            foreach (var record in await h.Store.GetRecordsAsync(call.Key))
            {
                written.TryAdd((record.Key, record.Descriptor), 0);
            }
        }

        var succeededRuns = h.Events.Snapshot().Where(e => e.Status == RegenerationStatus.Succeeded).SelectMany(e => e.Descriptors.Select(d => (e.Key, d))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.All(o => o.Status == RegenerationStatus.Succeeded), Is.True, "no job lost or failed: offline failures spend no attempt");
            Assert.That(outcomes.All(o => o.Attempts == 1), Is.True);
            Assert.That(succeededRuns, Has.Length.EqualTo(200).And.Unique, "each descriptor computed successfully exactly once");
            Assert.That(written, Has.Count.EqualTo(200));
            Assert.That(h.Analyzer.MaxConcurrentPerKey, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task BeginExport_WhileOpen_RunningFinishesNewWaitUntilLastScopeCloses()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        var outer = h.Exports.BeginExport();
        var inner = h.Exports.BeginExport();
        var gated = h.Queue.WhenDispatcherGatedAsync();

        var deferred = new[] { h.Queue.Enqueue(Request("b.wav", "rms")), h.Queue.Enqueue(Request("c.wav", "rms")) };
        await gated.WaitAsync(Safety);
        h.Analyzer.Release();
        var runningOutcome = await running.Completion.WaitAsync(Safety);
        inner.Dispose();
        inner.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(runningOutcome.Status, Is.EqualTo(RegenerationStatus.Succeeded), "a job running when the export began finishes");
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(1));
            Assert.That(h.Queue.IsDeferredByExport, Is.True, "one scope is still open");
            Assert.That(deferred.Select(t => h.Events.LastByJob()[t.JobId].Status), Is.All.EqualTo(RegenerationStatus.QueuedAfterExport));
        });

        outer.Dispose();
        var outcomes = await Task.WhenAll(deferred.Select(t => t.Completion)).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.All(o => o.Succeeded), Is.True);
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(3));
            Assert.That(h.Queue.IsDeferredByExport, Is.False);
        });
    }

    [Test]
    public async Task Retry_Seeded30PercentTransientFailuresOver1000Jobs_ExactOutcomeForSeed()
    {
        const int Seed = 20261125;
        const int Jobs = 1000;
        const int MaxAttempts = 5;
        await using var h = new QueueHarness(o =>
        {
            o.Retry.MaxAttempts = MaxAttempts;
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.MaxDelay = TimeSpan.Zero;
        });
        var draws = Enumerable.Range(0, Jobs).Select(i => new Random(Seed + i)).ToArray();
        h.Analyzer.FailWith = r =>
        {
            var random = draws[int.Parse(r.Key.TrackRef.AsSpan(1, 4), CultureInfo.InvariantCulture)];
            return random.NextDouble() < 0.3 ? new IOException("transient") : null;
        };

        var tickets = Enumerable.Range(0, Jobs).Select(i => h.Queue.Enqueue(Request($"t{i:D4}.wav", "rms"))).ToArray();
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Safety);

        var expected = Enumerable.Range(0, Jobs).Select(i =>
        {
            var random = new Random(Seed + i);
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                if (random.NextDouble() >= 0.3)
                {
                    return (RegenerationStatus.Succeeded, attempt);
                }
            }

            return (RegenerationStatus.Failed, MaxAttempts);
        }).ToArray();
        var failedLogs = h.Logs.GetSnapshot().Count(r => r.Id.Id == 2001);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => (o.Status, o.Attempts)), Is.EqualTo(expected));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(expected.Sum(e => e.Item2)));
            Assert.That(failedLogs, Is.EqualTo(expected.Count(e => e.Item1 == RegenerationStatus.Failed)));
            Assert.That(expected.Count(e => e.Item1 == RegenerationStatus.Failed), Is.Positive, "the seed exercises exhaustion");
        });
    }

    [Test]
    public async Task Retry_PermanentFailure_FailsAfterExactly5AttemptsWithBackoffThroughTimeProvider()
    {
        await using var h = new QueueHarness(o =>
        {
            o.Retry.MaxAttempts = 5;
            o.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            o.Retry.BackoffMultiplier = 2;
            o.Retry.MaxDelay = TimeSpan.FromSeconds(3);
        });
        var error = new InvalidDataException("decoder broke");
        h.Analyzer.FailWith = _ => error;
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        TimeSpan[] delays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)];

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var failedAttempt = attempt;
            await h.Events.WaitForAsync(e => e.Status == RegenerationStatus.Queued && e.Attempt == failedAttempt && e.Error is not null);
            h.Time.Advance(delays[attempt - 1] - TimeSpan.FromMilliseconds(1));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(attempt), $"no attempt before the backoff of {delays[attempt - 1]} elapsed");
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
            await h.Analyzer.WaitForCallsAsync(attempt + 1);
        }

        var outcome = await ticket.Completion.WaitAsync(Safety);
        var failedEvent = h.Events.Snapshot().Single(e => e.Status == RegenerationStatus.Failed);
        var log = h.Logs.GetSnapshot().Single(r => r.Id.Id == 2001);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(outcome.Attempts, Is.EqualTo(5));
            Assert.That(outcome.Error, Is.SameAs(error));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(5));
            Assert.That(failedEvent.Error, Is.SameAs(error));
            Assert.That(failedEvent.Attempt, Is.EqualTo(5));
            Assert.That(log.Level, Is.EqualTo(LogLevel.Error));
            Assert.That(log.Exception, Is.SameAs(error));
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 2002), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task RegenerateAsync_OneDescriptor_ChangesOnlyItsEntryByteForByte()
    {
        await using var h = new QueueHarness();
        await SeedStoreAsync(h.Store);
        var before = await SnapshotAsync(h.Store);
        h.Time.Advance(TimeSpan.FromHours(1));

        var outcome = await h.Queue.RegenerateAsync(Request(Key("a.wav"), "spectral.centroid")).WaitAsync(Safety);
        var after = await SnapshotAsync(h.Store);

        var target = $"{Key("a.wav")}#spectral.centroid";
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
            foreach (var (slot, text) in before)
            {
                if (slot != target)
                {
                    Assert.That(after[slot], Is.EqualTo(text), $"{slot} is unchanged");
                }
            }

            Assert.That(after[target], Is.Not.EqualTo(before[target]));
            Assert.That(after[target], Does.Contain(FakeAnalyzer.WrittenSource));
        });
    }

    [Test]
    public async Task RegenerateAsync_FailedJob_LeavesTheStoreUnchanged()
    {
        await using var h = new QueueHarness();
        await SeedStoreAsync(h.Store);
        var before = await SnapshotAsync(h.Store);
        h.Analyzer.FailWith = _ => new IOException("disk full");

        var outcome = await h.Queue.RegenerateAsync(Request(Key("a.wav"), "rms", "spectral.centroid")).WaitAsync(Safety);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(outcome.Records, Is.Empty);
            Assert.That(await SnapshotAsync(h.Store), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task DisposeAsync_500QueuedAnd8Running_ReturnsAndEveryJobHasAFinalStatus()
    {
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 8);
        h.Analyzer.Hold();
        var tickets = Enumerable.Range(0, 508).Select(i => h.Queue.Enqueue(Request($"t{i:D3}.wav", "rms"))).ToArray();
        await h.Analyzer.WaitForCallsAsync(8);

        await h.Queue.DisposeAsync().AsTask().WaitAsync(Safety);
        var outcomes = tickets.Select(t => t.Completion).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.All(t => t.IsCompletedSuccessfully), Is.True, "every requester completed");
            Assert.That(outcomes.Select(t => t.Result.Status), Is.All.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Events.LastByJob(), Has.Count.EqualTo(508));
            Assert.That(h.Events.LastByJob().Values.Select(e => e.Status), Is.All.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(8));
            Assert.That(h.Queue.DisposeAsync().IsCompleted, Is.True, "a second dispose is harmless");
            Assert.That(() => h.Queue.Enqueue(Request("x.wav", "rms")), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => h.Queue.Cancel(1), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => h.Queue.Retry(1), Throws.TypeOf<ObjectDisposedException>());
        });
        await h.DisposeAsync();
    }

    [Test]
    public async Task DisposeAsync_AnalyzerIgnoresCancellation_ReturnsAfterTimeoutWithRunningJobsCancelled()
    {
        await using var h = new QueueHarness(o => o.DisposeTimeout = TimeSpan.FromSeconds(2));
        h.Analyzer.HonorCancellation = false;
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        var queued = h.Queue.Enqueue(Request("a.wav", "spectral.centroid"));

        var dispose = h.Queue.DisposeAsync().AsTask();
        var completedEarly = dispose.IsCompleted;
        var queuedOutcome = await queued.Completion.WaitAsync(Safety);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        await dispose.WaitAsync(Safety);
        var runningOutcome = await running.Completion.WaitAsync(Safety);
        h.Analyzer.Release();

        Assert.Multiple(() =>
        {
            Assert.That(completedEarly, Is.False, "dispose waits for the running job up to its timeout");
            Assert.That(queuedOutcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(runningOutcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 2007), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Enqueue_DeletedProfile_NeedsReplacementThenRetargetRunsWithReplacement()
    {
        await using var h = new QueueHarness();
        h.Profiles.Remove(HiRes.Id);
        var ticket = h.Queue.Enqueue(Request(Key("a.wav", HiRes.Id), "rms"));
        await h.Events.WaitForAsync(e => e.Status == RegenerationStatus.NeedsReplacementProfile);

        Assert.Multiple(() =>
        {
            Assert.That(h.Analyzer.CallCount, Is.Zero);
            Assert.That(ticket.Completion.IsCompleted, Is.False);
            Assert.That(() => h.Queue.Retarget(ticket.JobId, "missing-profile"), Throws.TypeOf<UnknownAnalysisProfileException>());
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 2003), Is.EqualTo(1));
        });

        h.Queue.Retarget(ticket.JobId, AnalysisProfile.DefaultId);
        var outcome = await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(outcome.Key, Is.EqualTo(Key("a.wav")));
            Assert.That(h.Analyzer.Calls.Single().Profile.Id, Is.EqualTo(AnalysisProfile.DefaultId));
            Assert.That(() => h.Queue.Retarget(ticket.JobId, AnalysisProfile.DefaultId), Throws.InvalidOperationException);
        });
    }

    [Test]
    public async Task Enqueue_NeverRegisteredProfile_ThrowsUnknownAnalysisProfile()
    {
        await using var h = new QueueHarness();

        var ex = Assert.Throws<UnknownAnalysisProfileException>(() => h.Queue.Enqueue(Request(Key("a.wav", "nope"), "rms")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.WasDeleted, Is.False);
            Assert.That(ex.ProfileId, Is.EqualTo("nope"));
        });
    }

    [Test]
    public async Task Retry_FailedJob_RunsAgainWithSameDescriptors()
    {
        await using var h = new QueueHarness();
        var fail = true;
        h.Analyzer.FailWith = _ => fail ? new IOException("disk") : null;
        var failed = await h.Queue.RegenerateAsync(Request("a.wav", "rms", "spectral.centroid")).WaitAsync(Safety);
        fail = false;

        var retried = await h.Queue.Retry(failed.JobId).Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(retried.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(retried.Descriptors, Is.EqualTo(failed.Descriptors));
            Assert.That(() => h.Queue.Retry(failed.JobId), Throws.InvalidOperationException, "a retried job is forgotten");
            Assert.That(() => h.Queue.Retry(retried.JobId), Throws.InvalidOperationException, "a succeeded job cannot be retried");
        });
    }

    [Test]
    public async Task Enqueue_RequesterCancels_StopsWaitingWhileOtherRequestersGetTheOutcome()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        using var first = new CancellationTokenSource();
        var cancelling = h.Queue.Enqueue(Request("a.wav", "rms"), first.Token);
        var staying = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);

        await first.CancelAsync();
        h.Analyzer.Release();
        var outcome = await staying.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(cancelling.Completion.IsCanceled, Is.True);
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Enqueue_EveryRequesterCancels_CancelsTheRunningJob()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        var first = h.Queue.Enqueue(Request("a.wav", "rms"), a.Token);
        var second = h.Queue.Enqueue(Request("a.wav", "rms"), b.Token);
        await h.Analyzer.WaitForCallsAsync(1);

        await a.CancelAsync();
        var stillRunning = h.Events.LastByJob()[first.JobId].Status;
        await b.CancelAsync();
        await h.Events.WaitForAsync(e => e.Status == RegenerationStatus.Cancelled);

        Assert.Multiple(() =>
        {
            Assert.That(stillRunning, Is.EqualTo(RegenerationStatus.Running));
            Assert.That(first.Completion.IsCanceled && second.Completion.IsCanceled, Is.True);
            Assert.That(h.Analyzer.Completed, Is.Zero, "the analysis observed cancellation");
            Assert.That(h.Store.GetKeysAsync().Result, Is.Empty, "nothing written");
        });
    }

    [Test]
    public async Task Enqueue_QueuedJobsOnlyRequesterCancels_JobEndsWithoutRunning()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        using var cts = new CancellationTokenSource();
        var queued = h.Queue.Enqueue(Request("a.wav", "spectral.centroid"), cts.Token);

        await cts.CancelAsync();
        h.Analyzer.Release();
        await running.Completion.WaitAsync(Safety);
        var again = await h.Queue.RegenerateAsync(Request("a.wav", "spectral.centroid")).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(queued.Completion.IsCanceled, Is.True);
            Assert.That(h.Events.LastByJob()[queued.JobId].Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(again.JobId, Is.Not.EqualTo(queued.JobId));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Enqueue_RequesterSpreadOverTwoJobsCancels_StopsWaitingWhileJobsWithOtherRequestersRun()
    {
        await using var h = new QueueHarness();
        using var cts = new CancellationTokenSource();
        h.Analyzer.Hold();
        var holder = h.Queue.Enqueue(Request("a.wav", "onset.strength"));
        await h.Analyzer.WaitForCallsAsync(1);
        var queued = h.Queue.Enqueue(Request("a.wav", "spectral.centroid"));

        var spread = h.Queue.Enqueue(Request("a.wav", "onset.strength", "spectral.centroid", "waveform.peak"), cts.Token);
        await cts.CancelAsync();
        h.Analyzer.Release();
        var outcomes = await Task.WhenAll(holder.Completion, queued.Completion).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(spread.Completion.IsCanceled, Is.True);
            Assert.That(outcomes.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded), "jobs with other requesters still run");
            Assert.That(h.Analyzer.Calls.Last().Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "spectral.centroid", "waveform.peak" }), "the merged descriptor stays with the job that still has a requester");
        });
    }

    [Test]
    public async Task Cancel_RunningJobWhoseAnalyzerThrowsOnCancellation_IsCancelledNotRetried()
    {
        await using var h = new QueueHarness(o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Retry.MaxDelay = TimeSpan.Zero;
        });
        h.Analyzer.Hold();
        h.Analyzer.HonorCancellation = false;
        h.Analyzer.FailWith = _ => new IOException("pipe closed by cancellation");
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);

        h.Queue.Cancel(ticket.JobId);
        h.Analyzer.Release();
        var outcome = await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Cancel_QueuedJob_CompletesEveryRequesterCancelled()
    {
        await using var h = new QueueHarness();
        h.Availability.SetAvailable(false);
        var a = h.Queue.Enqueue(Request("a.wav", "rms"));
        var b = h.Queue.Enqueue(Request("a.wav", "rms"));

        var cancelled = h.Queue.Cancel(a.JobId);
        var outcomes = await Task.WhenAll(a.Completion, b.Completion).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(cancelled, Is.True);
            Assert.That(outcomes[0], Is.SameAs(outcomes[1]));
            Assert.That(outcomes[0].Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Queue.Cancel(a.JobId), Is.False);
        });
    }

    [Test]
    public async Task Enqueue_WhileKeyRuns_NewDescriptorsMergeIntoOneQueuedJob()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);

        var b = h.Queue.Enqueue(new RegenerationRequest(Key("a.wav"), [DescriptorId.Parse("spectral.centroid")], RegenerationReason.Stale, ["el-b"]));
        var c = h.Queue.Enqueue(new RegenerationRequest(Key("a.wav"), [DescriptorId.Parse("onset.strength"), DescriptorId.Parse("spectral.centroid"), DescriptorId.Parse("rms")], RegenerationReason.Missing, ["el-c"]));
        h.Analyzer.Release();
        var outcomes = await Task.WhenAll(running.Completion, b.Completion, c.Completion).WaitAsync(Safety);
        var mergedEvent = h.Events.LastByJob()[b.JobId];

        Assert.Multiple(() =>
        {
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(2));
            Assert.That(h.Analyzer.Calls.Last().Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "onset.strength", "spectral.centroid" }));
            Assert.That(b.JobId, Is.EqualTo(c.JobId));
            Assert.That(outcomes[1].JobId, Is.Not.EqualTo(outcomes[0].JobId));
            Assert.That(mergedEvent.Reason, Is.EqualTo(RegenerationReason.Stale | RegenerationReason.Missing));
            Assert.That(mergedEvent.RequestingElementIds, Is.EqualTo(new[] { "el-b", "el-c" }));
            Assert.That(outcomes[2].Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "onset.strength", "rms", "spectral.centroid" }), "c waited for both jobs");
            Assert.That(outcomes[2].Status, Is.EqualTo(RegenerationStatus.Succeeded));
        });
    }

    [Test]
    public async Task Subscribe_RunningJob_ReportsProgressAndCurrentDescriptor()
    {
        await using var h = new QueueHarness();

        await h.Queue.RegenerateAsync(Request("a.wav", "rms", "spectral.centroid")).WaitAsync(Safety);

        var statuses = h.Events.Snapshot().Select(e => (e.Status, e.Progress, e.CurrentDescriptor?.ToString())).ToArray();
        Assert.That(statuses, Is.EqualTo(new (RegenerationStatus, double, string?)[]
        {
            (RegenerationStatus.Queued, 0, null),
            (RegenerationStatus.Running, 0, null),
            (RegenerationStatus.Running, 0, "rms"),
            (RegenerationStatus.Running, 0.5, "spectral.centroid"),
            (RegenerationStatus.Succeeded, 1, null),
        }));
    }

    [Test]
    public async Task Subscribe_ThrowingHandler_IsLoggedAndJobsStillComplete()
    {
        await using var h = new QueueHarness();
        using var subscription = h.Queue.Subscribe(_ => throw new InvalidOperationException("handler bug"));

        var outcome = await h.Queue.RegenerateAsync(Request("a.wav", "rms")).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 1001), Is.EqualTo(4), "queued, running, progress, succeeded");
        });
    }

    [Test]
    public async Task Metrics_JobsCreatedAndFailed_AreCountedWithReasonTagOnly()
    {
        using var metrics = new AudioVisCacheMetrics(null, enabled: true);
        await using var h = new QueueHarness(metrics: metrics);
        using var triggered = new MetricCollector<long>(metrics.Meter!, AudioVisCacheDiagnostics.RegenerationTriggered);
        using var failed = new MetricCollector<long>(metrics.Meter!, AudioVisCacheDiagnostics.RegenerationFailed);
        using var duration = new MetricCollector<double>(metrics.Meter!, AudioVisCacheDiagnostics.RegenerationDuration);
        h.Analyzer.FailWith = r => r.Key.TrackRef == "bad.wav" ? new IOException("broken") : null;

        await h.Queue.RegenerateAsync(new RegenerationRequest(Key("a.wav"), [DescriptorId.Parse("rms")], RegenerationReason.Missing | RegenerationReason.Stale)).WaitAsync(Safety);
        await h.Queue.RegenerateAsync(Request("bad.wav", "rms")).WaitAsync(Safety);
        await h.Queue.RegenerateAsync(Request("a.wav", "rms")).WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(triggered.GetMeasurementSnapshot().Select(m => m.Tags[AudioVisCacheDiagnostics.ReasonTag]), Is.EqualTo(new[] { "missing+stale", "manual", "manual" }));
            Assert.That(triggered.GetMeasurementSnapshot().All(m => m.Tags.Count == 1), Is.True, "no track or descriptor tags");
            Assert.That(failed.GetMeasurementSnapshot().Select(m => m.Value), Is.EqualTo(new[] { 1L }));
            Assert.That(duration.GetMeasurementSnapshot().Select(m => m.Tags[AudioVisCacheDiagnostics.StatusTag]), Is.EqualTo(new[] { "succeeded", "failed", "succeeded" }));
            Assert.That(duration.GetMeasurementSnapshot().All(m => m.Tags.Count == 2 && m.Value >= 0), Is.True, "reason and status only");
        });
    }

    private static async Task SeedStoreAsync(ICacheMetadataStore store)
    {
        foreach (var key in new[] { Key("a.wav"), Key("a.wav", HiRes.Id), Key("b.wav") })
        {
            var parameters = key.AnalysisProfileId == HiRes.Id ? HiRes.Parameters : AnalysisParameters.Default;
            await store.UpsertAsync(key, [.. new[] { "rms", "spectral.centroid", "onset.strength", "spectrum.bands32@L" }.Select(d => Records.Make(key, d, parameters))]);
        }
    }

    /// <summary>Every record of every key, serialized canonically: slot id → text.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(ICacheMetadataStore store)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await store.GetKeysAsync())
        {
            foreach (var r in await store.GetRecordsAsync(key))
            {
                var text = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"{r.TrackRef}|{r.AnalysisProfileId}|{r.Descriptor}|{r.ProfileRevisionHash}|{r.Parameters}|")
                    .Append(CultureInfo.InvariantCulture, $"{r.SourceContentHash}|{r.CalculatorId}|{r.CalculatorVersion}|{r.AnalyzedAt:O}")
                    .ToString();
                snapshot.Add($"{key}#{r.Descriptor}", text);
            }
        }

        return snapshot;
    }
}
