using System.Diagnostics;
using System.Globalization;

namespace AudioVis.Cache.Cluster.Tests;

/// <summary>
/// The cluster end to end in separate processes on loopback (issue #13, "Multi-process tests"): PostgreSQL for the shared
/// records, history and membership; silo processes that analyse real audio with the real analyzer into one shared blob
/// folder; client processes that submit through the Orleans client queue; a watcher host that learns of new records only
/// through PostgreSQL notifications.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Test]
    public async Task ThousandRequests_DuplicatesAcrossThreeClients_EveryTicketCompletesAndEachDescriptorIsAnalysedOnce()
    {
        const int Keys = 200;
        const int Requests = 1000;
        var clock = Stopwatch.StartNew();
        await using var cluster = await TestCluster.CreateAsync("thousand", Keys);
        var silos = await cluster.StartSilosAsync(3, gated: true);

        // Request i: key i % 200, two of the four descriptors (the five requests of a key cover all four), from client i % 3.
        var requests = Enumerable.Range(0, Requests).Select(i =>
        {
            var first = (i / Keys) % TestCluster.Descriptors.Length;
            return (Client: i % 3, Line: TestCluster.RequestLine(cluster.Tracks[i % Keys], [TestCluster.Descriptors[first], TestCluster.Descriptors[(first + 1) % TestCluster.Descriptors.Length]]));
        }).ToArray();
        var clients = new ChildProcess[3];
        for (var c = 0; c < clients.Length; c++)
        {
            clients[c] = await cluster.StartClientAsync([.. requests.Where(r => r.Client == c).Select(r => r.Line)]);
        }

        // The analysis gate stays closed until every client has submitted everything: the duplicates are concurrent for real.
        await Task.WhenAll(clients.Select(c => c.WaitForLineAsync("SUBMITTED", Patience)));
        Assert.That(cluster.ReadAnalysisLog(), Is.Empty, "nothing ran while the gate was closed");
        foreach (var silo in silos)
        {
            await silo.SendAsync("OPEN");
        }

        await Task.WhenAll(clients.Select(c => c.WaitForLineAsync("DONE", Patience)));
        var outcomes = clients.Select(c => TestCluster.Outcomes(c)).ToArray();
        var analyses = cluster.ReadAnalysisLog();
        var history = await cluster.HistoryEntriesPerJobAsync();
        var records = await cluster.VerifyRecordsAndBlobsAsync();
        var jobIds = outcomes.SelectMany(o => o.Select(x => x.JobId)).Distinct().ToArray();
        var analysedPerDescriptor = analyses.Where(a => a.What == "DONE")
            .SelectMany(a => a.Descriptors.Select(d => (a.Track, Descriptor: d)))
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var expected = cluster.Tracks.SelectMany(t => TestCluster.Descriptors.Select(d => (Track: t, Descriptor: TestCluster.Canonical(d)))).ToArray();

        Assert.Multiple(() =>
        {
            for (var c = 0; c < clients.Length; c++)
            {
                Assert.That(outcomes[c].Select(o => o.Index), Is.EquivalentTo(Enumerable.Range(0, requests.Count(r => r.Client == c))), $"client {c}: every ticket completed once");
                Assert.That(outcomes[c].Where(o => o.Status != "Succeeded"), Is.Empty, $"client {c}: every ticket succeeded");
            }

            Assert.That(analysedPerDescriptor.Keys, Is.EquivalentTo(expected), "every requested {key, descriptor} was analysed");
            Assert.That(analysedPerDescriptor.Where(p => p.Value != 1).Select(p => $"{p.Key} x{p.Value}"), Is.Empty, "each {key, descriptor} analysed exactly once");
            Assert.That(analyses.Select(a => a.Pid).Distinct().Count(), Is.GreaterThan(1), "work was spread over several silos");
            Assert.That(jobIds.Where(id => history.GetValueOrDefault(id) != 1), Is.Empty, "one history entry per job");
            Assert.That(history.Keys, Is.EquivalentTo(jobIds), "no history entry of a job no ticket reported");
            Assert.That(records, Is.EquivalentTo(expected), "a record (with a verified blob) for every {key, descriptor}");
        });
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Requests} requests over {Keys} keys from 3 clients on 3 silos: {jobIds.Length} jobs, {analyses.Count(a => a.What == "DONE")} analyses on {analyses.Select(a => a.Pid).Distinct().Count()} silos, {clock.Elapsed.TotalSeconds:F1} s"));
    }

    [Test]
    public async Task SiloKilledDuringAnalysis_TenTimes_AllJobsFinishWithoutTornBlobsOrRecordsAndOneHistoryEntryPerJob()
    {
        const int Keys = 40;
        const int Kills = 10;
        var clock = Stopwatch.StartNew();
        await using var cluster = await TestCluster.CreateAsync("kill", Keys);

        // 400 ms per analysis (a longer track) so a kill right after an analysis started lands in the middle of it.
        var live = (await cluster.StartSilosAsync(3, analysisDelayMs: 400)).ToList();
        var client = await cluster.StartClientAsync([.. cluster.Tracks.Select(t => TestCluster.RequestLine(t, TestCluster.Descriptors))]);
        var rounds = 1;
        var killedMidAnalysis = 0;
        for (var kill = 0; kill < Kills;)
        {
            // Wait for an analysis to start on a live silo, then SIGKILL that silo at once; when the client finishes its round
            // first, it submits the same jobs again (they analyse again: explicit requests always do).
            var marks = live.ToDictionary(s => s, s => s.Lines.Count);
            var started = Task.WhenAny(live.Select(async s => (await s.WaitForLineAsync("START ", Patience, marks[s]), s).s));
            var finished = client.WaitForLineAsync(_ => client.Lines.Count(l => l.StartsWith("DONE", StringComparison.Ordinal)) >= rounds, Patience);
            if (await Task.WhenAny(started, finished) == finished)
            {
                await client.SendAsync("AGAIN");
                rounds++;
                continue;
            }

            var victim = await await started;
            await victim.KillAsync();
            var log = cluster.ReadAnalysisLog();
            if (log.Count(a => a.Pid == victim.Id && a.What == "START") > log.Count(a => a.Pid == victim.Id && a.What == "DONE"))
            {
                killedMidAnalysis++;
            }

            // A replacement starts at once, so three silo processes are up at every kill (the last replacement may still be
            // joining: waiting for each to join before the next kill doubles the test's time).
            kill++;
            live.Remove(victim);
            live.Add(cluster.StartSilo(analysisDelayMs: 400));
        }

        await Task.WhenAll(live.Select(s => s.WaitForLineAsync("READY", Patience)));

        await client.WaitForLineAsync(_ => client.Lines.Count(l => l.StartsWith("DONE", StringComparison.Ordinal)) >= rounds, Patience);
        var outcomes = Enumerable.Range(0, rounds).Select(r => TestCluster.Outcomes(client, r)).ToArray();
        var history = await cluster.HistoryEntriesPerJobAsync();
        var records = await cluster.VerifyRecordsAndBlobsAsync();
        var jobIds = outcomes.SelectMany(o => o.Select(x => x.JobId)).Distinct().ToArray();
        var expected = cluster.Tracks.SelectMany(t => TestCluster.Descriptors.Select(d => (Track: t, Descriptor: TestCluster.Canonical(d)))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(killedMidAnalysis, Is.EqualTo(Kills), "every kill landed during an analysis");
            for (var r = 0; r < rounds; r++)
            {
                Assert.That(outcomes[r].Select(o => o.Index), Is.EquivalentTo(Enumerable.Range(0, Keys)), $"round {r}: every ticket completed exactly once");
                Assert.That(outcomes[r].Where(o => o.Status != "Succeeded"), Is.Empty, $"round {r}: every job finished");
            }

            Assert.That(jobIds.Where(id => history.GetValueOrDefault(id) != 1), Is.Empty, "one history entry per completed job");
            Assert.That(history.Values.Where(n => n != 1), Is.Empty, "no job has two history entries");
            Assert.That(records, Is.EquivalentTo(expected), "a record with an intact blob for every {key, descriptor}");
        });
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Kills} SIGKILLs mid-analysis over {rounds} rounds of {Keys} jobs: {jobIds.Length} jobs completed, {history.Count} history entries, {records.Count} records verified, {clock.Elapsed.TotalSeconds:F1} s"));
    }

    [Test]
    public async Task WatchingHost_SeesRegeneratedEntriesBecomeCurrentThroughNotifications()
    {
        const int Keys = 30;
        await using var cluster = await TestCluster.CreateAsync("watch", Keys);
        await cluster.StartSilosAsync(1);
        var lines = cluster.Tracks.Select(t => TestCluster.RequestLine(t, TestCluster.Descriptors)).ToArray();
        var watch = await cluster.StartWatchAsync(lines);
        Assert.That(await watch.WaitForLineAsync("READY", Patience), Is.EqualTo($"READY {Keys}"), "every key starts missing");

        var client = await cluster.StartClientAsync(lines);
        await client.WaitForLineAsync("DONE", Patience);
        await watch.WaitForLineAsync("ALLCURRENT", Patience);

        // Latency: from the moment the silo's store call committed a key's records (the notification is sent in that
        // transaction) to the watcher's frame that saw the key current.
        var log = cluster.ReadAnalysisLog();
        var started = log.Where(a => a.What == "START").ToDictionary(a => a.Track, a => a.At);
        var committed = log.Where(a => a.What == "COMMIT").GroupBy(a => a.Track).ToDictionary(g => g.Key, g => g.Max(a => a.At));
        var current = watch.Lines.Where(l => l.StartsWith("CURRENT ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToDictionary(p => p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        var latencies = current.Select(c => c.Value - committed[c.Key]).Order().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(current.Keys, Is.EquivalentTo(cluster.Tracks), "every regenerated key became current on the watching host");
            Assert.That(current.Where(c => c.Value < started[c.Key]), Is.Empty, "no key was current before its analysis started");
        });
        TestContext.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"notification latency over {Keys} keys (records committed on the silo -> current on the watcher): p50 {latencies[latencies.Length / 2]} ms, p99 {latencies[(int)(latencies.Length * 0.99)]} ms, max {latencies[^1]} ms"));
    }
}
