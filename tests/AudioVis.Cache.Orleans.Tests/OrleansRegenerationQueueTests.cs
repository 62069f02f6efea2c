using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>
/// The in-process queue's contract (dedup, serial per key, gates, retry policy, Cancel and Retry by job id, status events),
/// checked on a two-silo in-process cluster through two clients: the cluster's external client and one co-hosted in a silo.
/// One cluster for the fixture; every test uses its own track names.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OrleansRegenerationQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private RegenerationCluster _cluster = null!;
    private OrleansRegenerationQueue _clientA = null!;
    private OrleansRegenerationQueue _clientB = null!;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        _cluster = await RegenerationCluster.StartAsync(regeneration: o => o.Retry.MaxAttempts = 3);
        _clientA = _cluster.CreateQueue();
        _clientB = _cluster.CreateQueue(viaSilo: _cluster.Silos[1]);
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync()
    {
        await _clientA.DisposeAsync();
        await _clientB.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [SetUp]
    public void ResetAnalyzer()
    {
        _cluster.Analyzer.Release();
        _cluster.Analyzer.FailWith = null;
    }

    [Test]
    public async Task Enqueue_SameDescriptorsFromTwoClients_AnalysedOnceAndBothTicketsGetTheSameOutcome()
    {
        _cluster.Analyzer.Hold();
        var calls = _cluster.Analyzer.CallCount;
        var a = _clientA.Enqueue(RegenerationCluster.Request("dedup", "spectrum", "rms"));
        var b = _clientB.Enqueue(RegenerationCluster.Request("dedup", "rms", "spectrum"));
        await _cluster.Analyzer.WaitForCallsAsync(calls + 1);
        _cluster.Analyzer.Release();

        var outcomeA = await a.Completion.WaitAsync(Patience);
        var outcomeB = await b.Completion.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(b.JobId, Is.EqualTo(a.JobId), "the second client joined the first client's job");
            Assert.That(outcomeA.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(outcomeB.JobId, Is.EqualTo(outcomeA.JobId));
            Assert.That(outcomeB.Records.Select(r => r.Descriptor.ToString()), Is.EquivalentTo(new[] { "rms", "spectrum" }));
            Assert.That(_cluster.Analyzer.Calls.Count(c => c.Key.TrackRef == "dedup"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Jobs_AreSerialPerKeyAndParallelAcrossKeys()
    {
        // The hold opens only once two analyses run at once: keys on either silo must run in parallel, or this times out.
        _cluster.Analyzer.ReleaseWhenConcurrent = 2;
        var tickets = new List<RegenerationTicket>();
        foreach (var track in new[] { "par-1", "par-2", "par-3", "par-4" })
        {
            tickets.Add(_clientA.Enqueue(RegenerationCluster.Request(track, "spectrum")));
            tickets.Add(_clientB.Enqueue(RegenerationCluster.Request(track, "rms")));
            tickets.Add(_clientA.Enqueue(RegenerationCluster.Request(track, "centroid")));
        }

        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(_cluster.Analyzer.MaxConcurrent, Is.GreaterThanOrEqualTo(2));
            Assert.That(_cluster.Analyzer.MaxConcurrentPerKey, Is.EqualTo(1), "two analyses of one key overlapped");
        });
    }

    [Test]
    public async Task StatusEvents_ReachEverySubscribedClient()
    {
        var seenByA = new StatusLog();
        var seenByB = new StatusLog();
        using var subA = _clientA.Subscribe(seenByA.Add);
        using var subB = _clientB.Subscribe(seenByB.Add);

        var outcome = await _clientA.RegenerateAsync(RegenerationCluster.Request("events", "spectrum")).WaitAsync(Patience);

        await seenByA.WaitForAsync(e => e.JobId == outcome.JobId && e.Status == RegenerationStatus.Succeeded);
        await seenByB.WaitForAsync(e => e.JobId == outcome.JobId && e.Status == RegenerationStatus.Succeeded);
        Assert.Multiple(() =>
        {
            Assert.That(seenByA.StatusesOf(outcome.JobId), Does.Contain(RegenerationStatus.Running));
            Assert.That(seenByB.StatusesOf(outcome.JobId), Does.Contain(RegenerationStatus.Running));
            Assert.That(seenByB.StatusesOf(outcome.JobId).Last(), Is.EqualTo(RegenerationStatus.Succeeded));
        });
    }

    [Test]
    public async Task AvailabilityGate_NoSiloAvailable_JobsPauseAndRunWhenASiloReturns()
    {
        var log = new StatusLog();
        using var subscription = _clientA.Subscribe(log.Add);
        var availabilities = _cluster.Silos.Select(s => (AnalysisAvailability)_cluster.SiloService<IAnalysisAvailability>(s)).ToList();
        try
        {
            availabilities.ForEach(a => a.SetAvailable(false));
            await WaitUntilAsync(() => _clientA.IsPaused);
            var calls = _cluster.Analyzer.CallCount;

            var ticket = _clientA.Enqueue(RegenerationCluster.Request("paused", "spectrum"));
            await log.WaitForAsync(e => e.JobId == ticket.JobId && e.Status == RegenerationStatus.Paused);
            Assert.That(_cluster.Analyzer.CallCount, Is.EqualTo(calls), "nothing runs while the worker is unavailable");

            availabilities.ForEach(a => a.SetAvailable(true));
            var outcome = await ticket.Completion.WaitAsync(Patience);
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            await WaitUntilAsync(() => !_clientA.IsPaused);
        }
        finally
        {
            availabilities.ForEach(a => a.SetAvailable(true));
        }
    }

    [Test]
    public async Task AvailabilityGate_IsPerSilo_AnUnavailableSiloPausesOnlyItsKeys()
    {
        var log = new StatusLog();
        using var subscription = _clientA.Subscribe(log.Add);
        var paused = _cluster.Silos[0];
        var pausedTag = _cluster.SiloService<RegenerationWorker>(paused).Tag;
        var availability = (AnalysisAvailability)_cluster.SiloService<IAnalysisAvailability>(paused);
        availability.SetAvailable(false);
        try
        {
            var tickets = Enumerable.Range(0, 16).Select(i => _clientA.Enqueue(RegenerationCluster.Request($"gate-{i}", "spectrum"))).ToList();
            var onPaused = tickets.Where(t => t.JobId >> 32 == pausedTag).ToList();
            var onRunning = tickets.Except(onPaused).ToList();
            Assert.That(onPaused, Is.Not.Empty, "16 keys at random: some land on the paused silo (none: p = 2^-16)");
            Assert.That(onRunning, Is.Not.Empty);

            var ran = await Task.WhenAll(onRunning.Select(t => t.Completion)).WaitAsync(Patience);
            await log.WaitForAsync(e => e.JobId == onPaused[0].JobId && e.Status == RegenerationStatus.Paused);
            Assert.Multiple(() =>
            {
                Assert.That(ran.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
                Assert.That(onPaused.Select(t => t.Completion.IsCompleted), Is.All.False, "the paused silo started nothing");
                Assert.That(_clientA.IsPaused, Is.False, "one silo still analyses");
            });

            availability.SetAvailable(true);
            var resumed = await Task.WhenAll(onPaused.Select(t => t.Completion)).WaitAsync(Patience);
            Assert.That(resumed.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
        }
        finally
        {
            availability.SetAvailable(true);
        }
    }

    [Test]
    public async Task ExportGate_ExportInProgress_JobsWaitUntilItEnds()
    {
        var log = new StatusLog();
        using var subscription = _clientA.Subscribe(log.Add);
        var exports = _cluster.Silos.Select(s => _cluster.SiloService<IExportCoordinator>(s).BeginExport()).ToList();
        try
        {
            await WaitUntilAsync(() => _clientB.IsDeferredByExport);
            var ticket = _clientB.Enqueue(RegenerationCluster.Request("export", "spectrum"));
            await log.WaitForAsync(e => e.JobId == ticket.JobId && e.Status == RegenerationStatus.QueuedAfterExport);
            Assert.That(ticket.Completion.IsCompleted, Is.False);

            exports.ForEach(e => e.Dispose());
            var outcome = await ticket.Completion.WaitAsync(Patience);
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            await WaitUntilAsync(() => !_clientB.IsDeferredByExport);
        }
        finally
        {
            exports.ForEach(e => e.Dispose());
        }
    }

    [Test]
    public async Task RetryPolicy_FailingAttempts_AreRetriedOnTheSiloThenReportedWithTheRemoteError()
    {
        var failures = 0;
        _cluster.Analyzer.FailWith = r => r.Key.TrackRef switch
        {
            "flaky" when Interlocked.Increment(ref failures) == 1 => new IOException("disk hiccup"),
            "broken" => new InvalidDataException("corrupt audio"),
            _ => null,
        };

        var flaky = await _clientA.RegenerateAsync(RegenerationCluster.Request("flaky", "spectrum")).WaitAsync(Patience);
        var broken = await _clientB.RegenerateAsync(RegenerationCluster.Request("broken", "spectrum")).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(flaky.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(flaky.Attempts, Is.EqualTo(2));
            Assert.That(broken.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(broken.Attempts, Is.EqualTo(3), "MaxAttempts of the silos' retry policy");
            Assert.That(broken.Error, Is.TypeOf<RemoteRegenerationException>());
            Assert.That(((RemoteRegenerationException)broken.Error!).RemoteTypeName, Is.EqualTo(typeof(InvalidDataException).FullName));
            Assert.That(broken.Error!.Message, Is.EqualTo("corrupt audio"));
        });
    }

    [Test]
    public async Task CancelAndRetry_ByJobId_WorkFromAnotherClient()
    {
        var seenByB = new StatusLog();
        using var subscription = _clientB.Subscribe(seenByB.Add);
        _cluster.Analyzer.Hold();
        var ticket = _clientA.Enqueue(RegenerationCluster.Request("cancel-me", "spectrum"));
        await seenByB.WaitForAsync(e => e.JobId == ticket.JobId && e.Status == RegenerationStatus.Running);

        Assert.That(_clientB.Cancel(ticket.JobId), Is.True, "client B learnt the job from its status changes");
        var cancelled = await ticket.Completion.WaitAsync(Patience);
        Assert.That(cancelled.Status, Is.EqualTo(RegenerationStatus.Cancelled));

        _cluster.Analyzer.Release();
        var retried = _clientB.Retry(ticket.JobId);
        var outcome = await retried.Completion.WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(retried.JobId, Is.Not.EqualTo(ticket.JobId));
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(outcome.Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "spectrum" }));
            Assert.That(_clientA.Cancel(987654321), Is.False, "an unknown job id");
            Assert.That(() => _clientA.Retry(987654321), Throws.InvalidOperationException.With.Message.Contains("987654321"));
        });
    }

    [Test]
    public async Task JobIds_AreUniqueAcrossSilos()
    {
        var tickets = Enumerable.Range(0, 24).Select(i => _clientA.Enqueue(RegenerationCluster.Request($"ids-{i}", "spectrum"))).ToList();
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Patience);
        var silosUsed = _cluster.CallSilos.Where(c => c.Key.TrackRef.StartsWith("ids-", StringComparison.Ordinal)).Select(c => c.Silo).Distinct().Count();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.JobId).Distinct().Count(), Is.EqualTo(24));
            Assert.That(silosUsed, Is.EqualTo(2), "24 keys spread over both silos (random placement; all on one: p = 2^-23)");
            Assert.That(outcomes.Select(o => o.JobId >> 32).Distinct().Count(), Is.EqualTo(silosUsed), "the high bits name the silo");
        });
    }

    [Test]
    public void Enqueue_UnknownProfile_ThrowsAtOnce()
    {
        var request = new RegenerationRequest(new CacheKey("t", "nope"), [DescriptorId.Parse("spectrum")], RegenerationReason.Manual);
        Assert.That(() => _clientA.Enqueue(request), Throws.TypeOf<Profiles.UnknownAnalysisProfileException>());
    }

    [Test]
    public async Task Enqueue_CancelledToken_CancelsOnlyThatRequester()
    {
        _cluster.Analyzer.Hold();
        using var cts = new CancellationTokenSource();
        var leaving = _clientA.Enqueue(RegenerationCluster.Request("leave", "spectrum"), cts.Token);
        var staying = _clientB.Enqueue(RegenerationCluster.Request("leave", "spectrum"));
        await cts.CancelAsync();
        Assert.That(async () => await leaving.Completion.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        _cluster.Analyzer.Release();
        var outcome = await staying.Completion.WaitAsync(Patience);
        Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Gates reach the client through the status hub; poll the (cheap) query rather than sleep a fixed time.
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
