using System.Diagnostics;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.Tests.Crash;

/// <summary>
/// Issue #12, item 1: a child process regenerating (real analyzer, SQLite metadata and history, file feature store) and
/// appending history is killed with SIGKILL at random points; after each kill the cache is reopened here and checked.
/// </summary>
[NonParallelizable]
public sealed class CrashConsistencyTests
{
    private const int MaxKillDelayMilliseconds = 1000;

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(600_000)]
    public async Task SigkillAtRandomPoints_ReopenFindsEveryAcknowledgedEntryAndOnlyCompleteVerifiedBlobs()
    {
        var kills = ReliabilityTier.Pick(10, 50);
        var seed = ReliabilitySeed.Get(Random.Shared.Next());
        var random = new Random(seed);
        using var folder = new TempFolder();
        var audio = folder.File("audio");
        var features = folder.File("features");
        TestAudio.WriteTone(Path.Combine(audio, "tone.wav"));
        var key = new CacheKey("tone.wav", AnalysisProfile.DefaultId);
        var acknowledged = new HashSet<Guid>();
        var clock = Stopwatch.StartNew();
        ReopenedCache? last = null;
        var temporaryFiles = 0;
        for (var kill = 0; kill < kills; kill++)
        {
            var delay = random.Next(MaxKillDelayMilliseconds);
            using (var child = CrashChild.Start(audio, features))
            {
                await child.Ready.WaitAsync(ReadyLimit);

                // The kill point: a random time into the regenerate-and-append loop.
                await Task.Delay(delay);
                await child.KillAsync();
                Assert.That(child.Failures, Is.Empty, $"kill {kill} (after {delay} ms)");
                acknowledged.UnionWith(child.Acknowledged);
            }

            last = await ReopenedCache.OpenAndVerifyAsync(audio, features, key);
            temporaryFiles = Math.Max(temporaryFiles, last.TemporaryFiles);
            Assert.That(acknowledged.Except(last.HistoryIds), Is.Empty, $"acknowledged history entries missing after kill {kill} (after {delay} ms; seed {seed})");
        }

        Assert.That(last!.Records, Is.EqualTo(4), "the child regenerates four descriptors; some run must have completed one");

        // Issue #13: the killed children's temporary files are this machine's, of ended processes: one sweep removes them all.
        var swept = await new FileSystemFeatureStore(features).SweepTempFilesAsync(DateTimeOffset.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);
        Assert.That((swept.RemovedOfEndedProcesses, swept.Kept), Is.EqualTo((last.TemporaryFiles, 0)), "the sweep's pid rule removes every temporary file of the killed children");
        Assert.That(Directory.EnumerateFiles(features, ".*.tmp", SearchOption.AllDirectories), Is.Empty);
        Assert.That(acknowledged, Is.Not.Empty, "no kill landed after an acknowledged append: the test proved nothing");
        ReliabilityTier.Report($"crash: {kills} SIGKILLs at 0-{MaxKillDelayMilliseconds} ms into the loop (seed {seed}), {acknowledged.Count} acknowledged entries all present, {last.HistoryIds.Count} history entries, {last.Records} records, {last.BlobsVerified} blobs verified after the last kill, at most {temporaryFiles} temporary files left, {swept.RemovedOfEndedProcesses} swept at the end, {clock.Elapsed.TotalSeconds:F1} s");
    }
}
