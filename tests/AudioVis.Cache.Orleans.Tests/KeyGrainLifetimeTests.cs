using AudioVis.Cache.Orleans.Grains;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>A key's grain outlives the jobs its silo still runs, so a key never runs on two silos at once.</summary>
public sealed class KeyGrainLifetimeTests
{
    private const int Keys = 12;

    [Test]
    [CancelAfter(120_000)]
    public async Task IdleGrain_WhoseSiloStillAnalyses_IsNotCollected_SoALaterRequestJoinsTheRunningJob()
    {
        await using var cluster = await RegenerationCluster.StartAsync(silos: 2, regeneration: o => o.MaxDegreeOfParallelism = Keys);
        cluster.Analyzer.Hold();

        // Requests whose clients went away without cancelling: enqueued through the key grains and never waited for.
        var requests = Enumerable.Range(0, Keys).Select(k => RegenerationCluster.Request($"orphan-{k:D2}.wav", "rms")).ToList();
        var firstJobs = new List<long>();
        foreach (var request in requests)
        {
            firstJobs.Add(await KeyGrain(cluster, request.Key).EnqueueAsync(Guid.NewGuid(), WireRequest.From(request)));
        }

        await cluster.Analyzer.WaitForCallsAsync(Keys);

        // Every activation idle for any time is collected unless it keeps itself alive (as Orleans' collector would after
        // the collection age, without waiting for it).
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // New requests for the same keys: a collected grain would re-activate on a random silo and start a second analysis.
        var secondJobs = new List<long>();
        foreach (var request in requests)
        {
            secondJobs.Add(await KeyGrain(cluster, request.Key).EnqueueAsync(Guid.NewGuid(), WireRequest.From(request)));
        }

        cluster.Analyzer.Release();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(secondJobs, Is.EqualTo(firstJobs), "each later request joined the job its key's silo was running");
            Assert.That(cluster.Analyzer.CallCount, Is.EqualTo(Keys), "each key analysed once");
            Assert.That(cluster.Analyzer.MaxConcurrentPerKey, Is.EqualTo(1));
        }
    }

    private static IRegenerationKeyGrain KeyGrain(RegenerationCluster cluster, CacheKey key) =>
        cluster.Grains.GetGrain<IRegenerationKeyGrain>(RegenerationGrainKeys.For(key));
}
