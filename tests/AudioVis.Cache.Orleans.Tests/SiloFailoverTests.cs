using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>A silo dies in the middle of analyses: its jobs run again on the surviving silo and every ticket completes once.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SiloFailoverTests
{
    [Test]
    public async Task SiloKilledMidJob_JobsRunAgainOnAnotherSilo_EveryTicketCompletesOnceWithTheSameBytes()
    {
        // Parallelism above the key count: every key's analysis is held running at once, wherever it landed.
        await using var cluster = await RegenerationCluster.StartAsync(silos: 3, regeneration: o => o.MaxDegreeOfParallelism = 16);
        var external = cluster.CreateQueue();
        var coHosted = cluster.CreateQueue(viaSilo: cluster.Silos[0]);
        cluster.Analyzer.Hold();

        // Enough keys that some land on each silo; two clients ask for each.
        var requests = Enumerable.Range(0, 12).Select(i => RegenerationCluster.Request($"failover-{i}", "spectrum", "rms")).ToList();
        var tickets = requests.Select(r => external.Enqueue(r)).Concat(requests.Select(r => coHosted.Enqueue(r))).ToList();
        await cluster.Analyzer.WaitForCallsAsync(requests.Count);

        // Kill a silo (not the one hosting the co-hosted client) that is running at least one analysis.
        var running = cluster.CallSilos.Select(c => c.Silo).ToHashSet();
        var victim = cluster.Silos.Skip(1).First(s => running.Contains(s.Name));
        var victimKeys = cluster.CallSilos.Where(c => c.Silo == victim.Name).Select(c => c.Key).ToHashSet();
        await cluster.KillSiloAsync(victim);

        // The killed silo's jobs are sent again and start on the survivors; then everything may finish.
        try
        {
            await cluster.Analyzer.WaitForCallsAsync(requests.Count + victimKeys.Count);
        }
        catch (TimeoutException)
        {
            TestContext.Out.WriteLine($"victim {victim.Name}; keys {string.Join(",", victimKeys)}; calls: {string.Join("; ", cluster.CallSilos.Select(c => c.Key.TrackRef + "@" + c.Silo))}");
            TestContext.Out.WriteLine($"completed tickets: {tickets.Count(t => t.Completion.IsCompleted)}");
            throw;
        }

        cluster.Analyzer.Release();
        var completions = new int[tickets.Count];
        for (var i = 0; i < tickets.Count; i++)
        {
            var index = i;
            _ = tickets[i].Completion.ContinueWith(_ => Interlocked.Increment(ref completions[index]), TaskScheduler.Default);
        }

        RegenerationOutcome[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception)
        {
            foreach (var t in tickets.Where(t => t.Completion.IsFaulted))
            {
                TestContext.Out.WriteLine($"ticket {t.Key}: {t.Completion.Exception}");
            }

            throw;
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(completions, Is.All.EqualTo(1));
            Assert.That(victimKeys, Is.Not.Empty);
            foreach (var key in victimKeys)
            {
                // Each client re-sends on its own once it notices the death; a re-send that arrives after the re-run finished
                // runs once more (as a request after a finished job does in-process), so one or two re-runs, none on the dead silo.
                var silos = cluster.CallSilos.Where(c => c.Key == key).Select(c => c.Silo).ToList();
                Assert.That(silos[0], Is.EqualTo(victim.Name));
                Assert.That(silos.Skip(1).Where(s => s != victim.Name).Count(), Is.InRange(1, 2), $"{key} ran again on a surviving silo");
            }

            foreach (var request in requests)
            {
                foreach (var descriptor in request.Descriptors)
                {
                    Assert.That(cluster.Blobs[(request.Key, descriptor)], Is.EqualTo(RegenerationCluster.ExpectedBytes(request.Key, descriptor)), "every commit wrote the same bytes");
                    Assert.That(cluster.Commits[(request.Key, descriptor)], victimKeys.Contains(request.Key) ? Is.InRange(1, 2) : Is.EqualTo(1), "the dead silo committed nothing; keys on surviving silos ran once");
                }
            }

            // Both clients' tickets of a key the kill did not touch ended with one job's outcome.
            for (var i = 0; i < requests.Count; i++)
            {
                if (victimKeys.Contains(requests[i].Key))
                {
                    continue;
                }

                Assert.That(outcomes[i + requests.Count].JobId, Is.EqualTo(outcomes[i].JobId));
            }
        });
    }
}
