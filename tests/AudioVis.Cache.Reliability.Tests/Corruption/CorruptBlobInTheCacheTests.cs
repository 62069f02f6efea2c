using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>
/// Issue #12, item 3, blobs in a running cache: blobs the real analyzer wrote are damaged on disk (one truncated, one
/// zeroed, one bit-flipped). Reads throw, the start-up check and the scrub report them, the diff lists them stale with
/// the corruption, a metadata rebuild quarantines them (bytes kept), and Regenerate All repairs the cache.
/// </summary>
public sealed class CorruptBlobInTheCacheTests
{
    private const string Track = "tone.wav";

    private static readonly DescriptorId[] Damaged = [DescriptorId.Parse("spectrum.bands32@L"), DescriptorId.Parse("rms@mid"), DescriptorId.Parse("zcr")];

    private static readonly DescriptorId Untouched = DescriptorId.Parse("onset.strength");

    [Test]
    [CancelAfter(120_000)]
    public async Task DamagedBlobs_ReportedStaleWithTheirCorruption_Quarantined_RepairedByRegenerateAll()
    {
        using var folder = new TempFolder();
        var audio = folder.File("audio");
        var features = folder.File("features");
        TestAudio.WriteTone(Path.Combine(audio, Track));
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = audio;
            o.FeatureCacheRoot = features;
        });
        await using var provider = services.BuildServiceProvider();
        var key = new CacheKey(Track, AnalysisProfile.DefaultId);
        var scheduler = provider.GetRequiredService<IDiffScheduler>();
        var queue = provider.GetRequiredService<IRegenerationQueue>();
        var store = provider.GetRequiredService<IFeatureStore>();
        var maintenance = provider.GetRequiredService<ICacheMaintenance>();
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        bus.Publish(AnalysisIntent.Create("bars", Track, AnalysisProfile.DefaultId, [.. Damaged.Append(Untouched).Select(d => d.ToString())], DateTimeOffset.UtcNow));
        await RegenerateAllAsync(scheduler, queue);

        var random = new Random(ReliabilitySeed.Get(12_32));
        var damage = new Dictionary<DescriptorId, (string Path, Mutation Mutation)>();
        for (var i = 0; i < Damaged.Length; i++)
        {
            var path = new FileSystemFeatureStore(features).GetBlobPath(key, Damaged[i]);
            var mutation = Mutation.Apply(await File.ReadAllBytesAsync(path), Mutation.Kinds[i], random);
            await File.WriteAllBytesAsync(path, mutation.Bytes);
            damage[Damaged[i]] = (path, mutation);
        }

        var foundAtStartUp = await maintenance.VerifyBlobsAsync();
        var foundByScrub = await maintenance.ScrubAsync(100);
        foreach (var (descriptor, (path, mutation)) in damage)
        {
            var error = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(key, descriptor), mutation.Description);
            Assert.That(error!.Message, Does.Contain(path));
        }

        await scheduler.RunFrameAsync();
        var diff = scheduler.GetLatestDiffs().Single();
        Assert.Multiple(() =>
        {
            Assert.That(diff.Stale, Is.EquivalentTo(Damaged), "every damaged blob, and only those, is stale");
            Assert.That(diff.Current, Is.EqualTo(new[] { Untouched }));
            foreach (var stale in diff.StaleDetails)
            {
                var (path, mutation) = damage[stale.Descriptor];
                var unusable = stale.Reasons.OfType<BlobUnusable>().SingleOrDefault();
                Assert.That(unusable, Is.Not.Null, $"{stale.Descriptor} ({mutation.Description}) is stale without BlobUnusable: {string.Join("; ", stale.Reasons)}");
                Assert.That(unusable!.Corruption, Is.Not.Null, $"{stale.Descriptor} is reported missing, not corrupt");
                Assert.That(unusable.Location, Is.EqualTo(path));
                Assert.That(unusable.Description, Does.StartWith("cached values are corrupt ("));
            }
        });

        var rebuild = await maintenance.RebuildMetadataAsync();
        Assert.That(rebuild.QuarantinedBlobs.Select(q => q.Location), Is.EquivalentTo(damage.Values.Select(d => d.Path)));
        foreach (var quarantined in rebuild.QuarantinedBlobs)
        {
            var (path, mutation) = damage.Values.Single(d => d.Path == quarantined.Location);
            Assert.That(File.Exists(path), Is.False, "a quarantined blob left the store");
            Assert.That(await File.ReadAllBytesAsync(quarantined.MovedTo!), Is.EqualTo(mutation.Bytes), "quarantine keeps the damaged bytes");
        }

        await RegenerateAllAsync(scheduler, queue);
        await scheduler.RunFrameAsync();
        var repaired = scheduler.GetLatestDiffs().Single();
        Assert.That(repaired.RequiresRegeneration, Is.False);
        Assert.That(repaired.Current, Has.Count.EqualTo(Damaged.Length + 1));
        ReliabilityTier.Report($"corrupt blobs in a running cache: {string.Join("; ", damage.Select(d => $"{d.Key}: {d.Value.Mutation.Description}"))}; start-up check found {foundAtStartUp}, scrub {foundByScrub}; all {Damaged.Length} stale with their corruption, {rebuild.QuarantinedBlobs.Count} quarantined, repaired by Regenerate All");
    }

    private static async Task RegenerateAllAsync(IDiffScheduler scheduler, IRegenerationQueue queue)
    {
        await scheduler.RunFrameAsync();
        var outcomes = await Task.WhenAll(queue.RegenerateAll(scheduler.GetLatestDiffs()).Select(t => t.Completion));
        Assert.That(outcomes.Where(o => !o.Succeeded).Select(o => $"{o.Status} {o.Error?.Message}"), Is.Empty);
    }
}
