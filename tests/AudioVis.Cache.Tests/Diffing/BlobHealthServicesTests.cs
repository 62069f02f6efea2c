using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Analysis;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Diffing;

/// <summary>
/// Issue #9 item 4: a corrupted or deleted blob left its descriptor Current, and only a manual Regenerate repaired it.
/// Services built by DI, a <see cref="FileSystemFeatureStore"/> in a temporary folder, blobs and records written by the real analyzer.
/// </summary>
public sealed class BlobHealthServicesTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private static readonly DescriptorId Rms = DescriptorId.Parse("rms@mid");
    private static readonly CacheKey Key = new("stereo", AnalysisProfile.DefaultId);

    [Test]
    public async Task CorruptBlob_ReadThroughTheFeatureStore_NextFrameReportsItStale_AndRegenerateAllRepairsIt()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        var path = await AnalyzeAsync(provider, folder.Path);
        FlipBit(path);

        var read = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await provider.GetRequiredService<IFeatureStore>().ReadAsync(Key, Rms));
        var stale = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();
        var tickets = provider.GetRequiredService<IRegenerationQueue>().RegenerateAll(Scheduler(provider).GetLatestDiffs());
        var outcome = tickets.Count == 1 ? await tickets[0].Completion.WaitAsync(Safety) : null;
        var repaired = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(async () =>
        {
            Assert.That(read!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(stale, Is.Not.Null, "the read found the blob corrupt, so the next frame publishes a new diff");
            Assert.That(stale?.Stale, Is.EqualTo(new[] { Rms }));
            Assert.That(stale?.GetStaleReasons(Rms), Is.EqualTo(new StaleReason[] { new BlobUnusable(FeatureBlobCorruption.ChecksumMismatch, path) }));
            Assert.That(stale?.GetStaleReasons(Rms).Single().Description, Is.EqualTo("cached values are corrupt (ChecksumMismatch)"));
            Assert.That(tickets, Has.Count.EqualTo(1), "Regenerate All enqueues the corrupt descriptor");
            Assert.That(outcome?.Succeeded, Is.True);
            Assert.That(repaired?.Current, Is.EqualTo(new[] { Rms }), "the rewrite clears the blob's state");
            Assert.That(repaired?.Stale, Is.Empty);
            Assert.That(await provider.GetRequiredService<IFeatureStore>().ReadAsync(Key, Rms), Is.Not.Null);
        });
    }

    [Test]
    public async Task CorruptChunk_FoundByAMappedReader_NextFrameReportsItStale()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        var path = await AnalyzeAsync(provider, folder.Path);
        FlipBit(path);

        // The structure (footer, index, header) is intact, so the blob opens; the chunk fails when it is first read.
        using var reader = (await provider.GetRequiredService<IFeatureStore>().OpenReaderAsync(Key, Rms))!;
        var read = Assert.Throws<CorruptFeatureBlobException>(() => reader.ReadFrames(0, new float[reader.Header.ValuesPerFrame]));
        var stale = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(read!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(read.Detail, Does.StartWith("chunk 0 of "));
            Assert.That(stale?.GetStaleReasons(Rms), Is.EqualTo(new StaleReason[] { new BlobUnusable(FeatureBlobCorruption.ChecksumMismatch, path) }));
        });
    }

    [Test]
    public async Task DeletedBlob_ReadThroughTheFeatureStore_NextFrameReportsItStaleMissing_AndRegenerateAllRepairsIt()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        var path = await AnalyzeAsync(provider, folder.Path);
        File.Delete(path);

        var read = await provider.GetRequiredService<IFeatureStore>().ReadAsync(Key, Rms);
        var stale = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();
        var tickets = provider.GetRequiredService<IRegenerationQueue>().RegenerateAll(Scheduler(provider).GetLatestDiffs());
        var outcome = tickets.Count == 1 ? await tickets[0].Completion.WaitAsync(Safety) : null;
        var repaired = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Null);
            Assert.That(stale?.Stale, Is.EqualTo(new[] { Rms }), "the record is still there, its blob is not");
            Assert.That(stale?.GetStaleReasons(Rms), Is.EqualTo(new StaleReason[] { new BlobUnusable(null, path) }));
            Assert.That(stale?.GetStaleReasons(Rms).Single().Description, Is.EqualTo("cached values are missing"));
            Assert.That(tickets, Has.Count.EqualTo(1));
            Assert.That(outcome?.Succeeded, Is.True);
            Assert.That(repaired?.Current, Is.EqualTo(new[] { Rms }));
            Assert.That(File.Exists(path), Is.True);
        });
    }

    [Test]
    public async Task HealthyBlob_ReadThroughTheFeatureStore_NothingChanges()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        await AnalyzeAsync(provider, folder.Path);

        var read = await provider.GetRequiredService<IFeatureStore>().ReadAsync(Key, Rms);
        var frame = await Scheduler(provider).RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Not.Null);
            Assert.That(frame, Is.Empty, "a good read does not invalidate the key");
            Assert.That(Scheduler(provider).GetLatestDiffs().Single().Current, Is.EqualTo(new[] { Rms }));
        });
    }

    [Test]
    public async Task VerifyBlobsAsync_TruncatedAndDeletedBlobs_AreReportedStale_WithoutReadingValues()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        var path = await AnalyzeAsync(provider, folder.Path, "rms@mid", "zcr@mid", "rms@side");
        var zcr = DescriptorId.Parse("zcr@mid");
        var side = DescriptorId.Parse("rms@side");
        var zcrPath = new FileSystemFeatureStore(Path.Combine(folder.Path, "cache")).GetBlobPath(Key, zcr);
        using (var file = File.Open(path, FileMode.Open))
        {
            file.SetLength(file.Length - 4);
        }

        File.Delete(zcrPath);

        var unusable = await provider.GetRequiredService<ICacheMaintenance>().VerifyBlobsAsync();
        var diff = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(unusable, Is.EqualTo(2));
            Assert.That(diff?.Stale, Is.EqualTo(new[] { Rms, zcr }));
            Assert.That(diff?.GetStaleReasons(Rms).Single(), Is.EqualTo(new BlobUnusable(FeatureBlobCorruption.Truncated, path)));
            Assert.That(diff?.GetStaleReasons(zcr).Single(), Is.EqualTo(new BlobUnusable(null, zcrPath)));
            Assert.That(diff?.Current, Is.EqualTo(new[] { side }));
        });
    }

    [Test]
    public async Task VerifyBlobsAsync_HeaderDisagreesWithTheRecord_IsReportedStale_RecordMismatch()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        var path = await AnalyzeAsync(provider, folder.Path);
        var metadata = provider.GetRequiredService<ICacheMetadataStore>();
        var record = (await metadata.GetRecordsAsync(Key)).Single();
        await metadata.UpsertAsync(Key, [new CacheMetadataRecord(
            Key, Rms, record.ProfileRevisionHash, record.Parameters, "pcm-sha256:another", record.CalculatorId, record.CalculatorVersion, record.AnalyzedAt)]);

        var unusable = await provider.GetRequiredService<ICacheMaintenance>().VerifyBlobsAsync();
        var diff = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(unusable, Is.EqualTo(1));
            Assert.That(diff?.GetStaleReasons(Rms), Is.EqualTo(new StaleReason[] { new BlobUnusable(FeatureBlobCorruption.RecordMismatch, path) }));
        });
    }

    [Test]
    public async Task VerifyBlobsAsync_FlippedValueBit_IsLeftToReadsAndScans()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        FlipBit(await AnalyzeAsync(provider, folder.Path));

        var unusable = await provider.GetRequiredService<ICacheMaintenance>().VerifyBlobsAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(unusable, Is.Zero, "the structure is sound; only the checksum over the values finds this");
            Assert.That(await Scheduler(provider).RunFrameAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task ScrubAsync_BudgetOfOne_ReadsOneBlobPerCallInOrder_FindsFlippedValues_AndStartsOver()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        await using var provider = Build(folder.Path);
        await AnalyzeAsync(provider, folder.Path, "rms@mid", "rms@side", "zcr@mid");
        var side = DescriptorId.Parse("rms@side");
        var sidePath = new FileSystemFeatureStore(Path.Combine(folder.Path, "cache")).GetBlobPath(Key, side);
        FlipBit(sidePath);
        var maintenance = provider.GetRequiredService<ICacheMaintenance>();

        var first = await maintenance.ScrubAsync(1);
        var quiet = await Scheduler(provider).RunFrameAsync();
        var second = await maintenance.ScrubAsync(1);
        var rest = await maintenance.ScrubAsync(5);
        var diff = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();
        var again = await maintenance.ScrubAsync(5);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Zero, "rms@mid is sound");
            Assert.That(quiet, Is.Empty);
            Assert.That(second, Is.EqualTo(1), "rms@side has a flipped value bit");
            Assert.That(rest, Is.Zero, "zcr@mid, then the end: the next call starts over");
            Assert.That(diff?.Stale, Is.EqualTo(new[] { side }));
            Assert.That(diff?.GetStaleReasons(side).Single(), Is.EqualTo(new BlobUnusable(FeatureBlobCorruption.ChecksumMismatch, sidePath)));
            Assert.That(again, Is.EqualTo(1), "a full pass from the start");
            Assert.That(() => maintenance.ScrubAsync(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public async Task HostRegisteredStore_BlobDeletedBehindTheWrapper_ReadReportsItMissing_AndARemovedRecordForgetsIt()
    {
        var store = new InMemoryFeatureStore();
        var services = new ServiceCollection();
        services.AddSingleton<IFeatureStore>(store);
        await using var provider = services.AddAudioVisCache().UseTrackAudioResolver<GoldenResolver>().Services.BuildServiceProvider();
        await AnalyzeAsync(provider, root: null);
        await store.DeleteAsync(Key, Rms);

        var read = await provider.GetRequiredService<IFeatureStore>().ReadAsync(Key, Rms);
        var stale = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();
        await provider.GetRequiredService<ICacheMetadataStore>().RemoveAsync(Key, [Rms]);
        Scheduler(provider).Invalidate(Key);
        var missing = (await Scheduler(provider).RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Null);
            Assert.That(stale?.GetStaleReasons(Rms), Is.EqualTo(new StaleReason[] { new BlobUnusable(null, InMemoryFeatureStore.GetLocation(Key, Rms)) }));
            Assert.That(missing?.Missing, Is.EqualTo(new[] { Rms }), "no record: missing");
            Assert.That(provider.GetRequiredService<BlobHealth>().IsEmpty, Is.True, "the differ forgets a problem whose record is gone");
        });
    }

    private static ServiceProvider Build(string root) =>
        new ServiceCollection()
            .AddAudioVisCache(o => o.FeatureCacheRoot = Path.Combine(root, "cache"))
            .UseTrackAudioResolver<GoldenResolver>()
            .Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    private static IDiffScheduler Scheduler(IServiceProvider provider) => provider.GetRequiredService<IDiffScheduler>();

    /// <summary>Requests <c>rms@mid</c> (or the given descriptors) of the stereo signal, regenerates it, and returns the blob's path once the diff is current.</summary>
    private static async Task<string> AnalyzeAsync(IServiceProvider provider, string? root, params string[] descriptors)
    {
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        bus.Publish(AnalysisIntent.Create("el-1", Key.TrackRef, Key.AnalysisProfileId, descriptors.Length > 0 ? descriptors : [Rms.ToString()], DateTimeOffset.UnixEpoch));
        await Scheduler(provider).RunFrameAsync();
        var ticket = provider.GetRequiredService<IRegenerationQueue>().RegenerateAll(Scheduler(provider).GetLatestDiffs()).Single();
        var outcome = await ticket.Completion.WaitAsync(Safety);
        Assert.That(outcome.Succeeded, Is.True, outcome.Error?.ToString());
        var current = (await Scheduler(provider).RunFrameAsync()).Single();
        Assert.That(current.Current, Has.Member(Rms).And.Count.EqualTo(Math.Max(1, descriptors.Length)));
        if (root is null)
        {
            return InMemoryFeatureStore.GetLocation(Key, Rms);
        }

        var path = new FileSystemFeatureStore(Path.Combine(root, "cache")).GetBlobPath(Key, Rms);
        Assert.That(File.Exists(path), Is.True);
        return path;
    }

    /// <summary>Flips one bit in the middle of the blob's values.</summary>
    private static void FlipBit(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[FeatureBlobFormat.PreambleLength + 6] ^= 0x10; // format version 3: the values start at byte 8
        File.WriteAllBytes(path, bytes);
    }

    private sealed class GoldenResolver : ITrackAudioResolver
    {
        public IAudioSource Open(string trackRef) => AnalyzerGolden.Source(trackRef);

        public string? GetChangeToken(string trackRef) => null;
    }
}
