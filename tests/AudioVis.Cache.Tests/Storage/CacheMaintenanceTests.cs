using System.Buffers.Binary;
using System.IO.Hashing;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Storage.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Storage;

/// <summary>
/// Rebuilding the metadata from the blobs: real audio is analysed into a <see cref="FileSystemFeatureStore"/> in a
/// temporary directory, the metadata store is dropped, and the rebuild must give back every record exactly.
/// </summary>
public sealed class CacheMaintenanceTests
{
    private static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 });

    private static readonly DescriptorId[] Descriptors =
        [.. new[] { "rms@L", "rms@R", "spectrum.bands32", "mfcc@mid", "onset.strength", "chroma@side" }.Select(DescriptorId.Parse)];

    private static readonly (string Track, AnalysisProfile Profile)[] Analyses =
        [("sine", AnalysisProfile.Default), ("sine", HiRes), ("stereo", AnalysisProfile.Default)];

    private string _root = null!;
    private FileSystemFeatureStore _features = null!;
    private FakeTimeProvider _time = null!;
    private AnalysisProfileRegistry _profiles = null!;
    private FakeLogger<CacheMaintenance> _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "avcache-rebuild-tests", Guid.NewGuid().ToString("N"));
        _features = new FileSystemFeatureStore(_root);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero));
        _profiles = new AnalysisProfileRegistry([AnalysisProfile.Default, HiRes], NullLogger<AnalysisProfileRegistry>.Instance);
        _logger = new FakeLogger<CacheMaintenance>();
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public async Task RebuildMetadataAsync_MetadataLost_RecreatesEveryRecordExactlyAndTheDiffIsClean()
    {
        var original = await AnalyzeAsync();
        var rebuilt = new InMemoryCacheMetadataStore();

        var report = await Maintenance(rebuilt).RebuildMetadataAsync();

        var keys = original.Keys.Order().ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await rebuilt.GetKeysAsync(), Is.EqualTo(keys));
            foreach (var key in keys)
            {
                var records = await rebuilt.GetRecordsAsync(key);
                Assert.That(records, Is.EqualTo(original[key]), key.ToString());
                Assert.That(records.Select(r => r.Parameters), Has.None.Null, key.ToString());
            }

            Assert.That(report.BlobsScanned, Is.EqualTo(Analyses.Length * Descriptors.Length));
            Assert.That(report.RecordsWritten, Is.EqualTo(Analyses.Length * Descriptors.Length));
            Assert.That(report.RecordsRemoved, Is.Zero);
            Assert.That(report.Keys, Is.EqualTo(keys));
            Assert.That(report.QuarantinedBlobs, Is.Empty);

            // The analyses finished at different times; each record got its own time back, not the rebuild's.
            Assert.That(original.Values.Select(r => r[0].AnalyzedAt).Distinct().Count(), Is.EqualTo(Analyses.Length));
        }

        foreach (var key in keys)
        {
            var diff = await DiffAsync(rebuilt, key, original[key][0].SourceContentHash);
            Assert.That(diff.RequiresRegeneration, Is.False, diff.ToString());
            Assert.That(diff.Current, Is.EqualTo(Descriptors.Order().ToArray()), diff.ToString());
            Assert.That(diff.Unknown, Is.Empty, diff.ToString());
        }
    }

    [Test]
    public async Task RebuildMetadataAsync_AgreeingRecordsAlreadyStored_WritesNothing()
    {
        var original = await AnalyzeAsync();
        var metadata = new InMemoryCacheMetadataStore();
        foreach (var (key, records) in original)
        {
            await metadata.UpsertAsync(key, records);
        }

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        Assert.That((report.RecordsWritten, report.RecordsRemoved, report.BlobsScanned), Is.EqualTo((0, 0, Analyses.Length * Descriptors.Length)));
    }

    [Test]
    public async Task RebuildMetadataAsync_CorruptBlobs_QuarantinesAndReportsThemAndRebuildsTheOthers()
    {
        var original = await AnalyzeAsync();
        var key = new CacheKey("stereo", "default");
        var truncated = Corrupt(key, "rms@L", b => b[..^7]);
        var flipped = Corrupt(key, "spectrum.bands32", b =>
        {
            b[b.Length / 2] ^= 0x10;
            return b;
        });
        var empty = Corrupt(key, "onset.strength", _ => []);
        var foreign = Corrupt(new CacheKey("sine", "hires"), "mfcc@mid", _ => "RIFF....WAVEfmt, not a feature blob at all, but long enough to have a header."u8.ToArray());
        var rebuilt = new InMemoryCacheMetadataStore();

        var report = await Maintenance(rebuilt).RebuildMetadataAsync();

        var quarantined = report.QuarantinedBlobs.ToDictionary(q => q.Location);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(quarantined.Keys, Is.EquivalentTo(new[] { truncated, flipped, empty, foreign }));
            Assert.That(quarantined[truncated].Reason, Is.EqualTo(FeatureBlobCorruption.Truncated));
            Assert.That(quarantined[flipped].Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(quarantined[empty].Reason, Is.EqualTo(FeatureBlobCorruption.Truncated));
            Assert.That(quarantined[foreign].Reason, Is.EqualTo(FeatureBlobCorruption.BadMagic));
            foreach (var blob in quarantined.Values)
            {
                Assert.That(blob.MovedTo, Is.EqualTo(Path.Combine(_features.QuarantineDirectory, Path.GetRelativePath(_root, blob.Location))));
                Assert.That(File.Exists(blob.MovedTo), Is.True, "quarantined, never deleted");
                Assert.That(File.Exists(blob.Location), Is.False);
                Assert.That(blob.Corruption.Message, Does.Contain(blob.Location));
            }

            Assert.That(report.BlobsScanned, Is.EqualTo(Analyses.Length * Descriptors.Length));
            Assert.That(report.RecordsWritten, Is.EqualTo((Analyses.Length * Descriptors.Length) - 4));
            Assert.That(
                (await rebuilt.GetRecordsAsync(key)).Select(r => r.Descriptor.ToString()),
                Is.EqualTo(new[] { "chroma@side", "mfcc@mid", "rms@R" }));
            Assert.That(await rebuilt.GetRecordsAsync(key), Is.EqualTo(original[key].Where(r => r.Descriptor.ToString() is "chroma@side" or "mfcc@mid" or "rms@R")));
            Assert.That(await rebuilt.GetRecordsAsync(new CacheKey("sine", "default")), Is.EqualTo(original[new CacheKey("sine", "default")]));
            Assert.That(
                _logger.Collector.GetSnapshot().Where(l => l.Id.Id == 3102 && l.Level == LogLevel.Warning).Select(l => l.StructuredState!.Single(s => s.Key == "Location").Value),
                Is.EquivalentTo(new[] { truncated, flipped, empty, foreign }));
        }
    }

    [Test]
    public async Task RebuildMetadataAsync_CorruptBlobWithARecord_RemovesTheRecord()
    {
        var original = await AnalyzeAsync();
        var metadata = new InMemoryCacheMetadataStore();
        foreach (var (k, records) in original)
        {
            await metadata.UpsertAsync(k, records);
        }

        var key = new CacheKey("sine", "default");
        Corrupt(key, "rms@R", b => b[..^1]);

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        Assert.That(report.RecordsRemoved, Is.EqualTo(1));
        Assert.That((await metadata.GetRecordsAsync(key)).Select(r => r.Descriptor.ToString()), Does.Not.Contain("rms@R"));
        Assert.That(await metadata.GetRecordsAsync(key), Has.Count.EqualTo(Descriptors.Length - 1));
    }

    [Test]
    public async Task RebuildMetadataAsync_OrphanRecords_AreRemoved()
    {
        var original = await AnalyzeAsync();
        var metadata = new InMemoryCacheMetadataStore();
        var key = new CacheKey("sine", "default");
        await metadata.UpsertAsync(key, original[key]);
        var gone = new CacheKey("deleted.wav", "default");
        var template = original[key][0];
        await metadata.UpsertAsync(gone, [Retarget(template, gone, "rms")]);
        await _features.DeleteAsync(key, DescriptorId.Parse("rms@L"));

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.RecordsRemoved, Is.EqualTo(2));
            Assert.That(await metadata.GetRecordsAsync(gone), Is.Empty);
            Assert.That(await metadata.GetRecordsAsync(key), Is.EqualTo(original[key].Where(x => x.Descriptor.ToString() != "rms@L")));
            Assert.That(report.Keys, Does.Not.Contain(gone));
        }
    }

    [Test]
    public async Task RebuildMetadataAsync_RecordThatDisagreesWithItsBlob_IsReplaced()
    {
        var original = await AnalyzeAsync();
        var metadata = new InMemoryCacheMetadataStore();
        var key = new CacheKey("stereo", "default");
        await metadata.UpsertAsync(key, original[key]);
        var wrong = original[key][2];
        await metadata.UpsertAsync(key, [new CacheMetadataRecord(key, wrong.Descriptor, wrong.ProfileRevisionHash, wrong.Parameters, "pcm-sha256:other", wrong.CalculatorId, wrong.CalculatorVersion, wrong.AnalyzedAt)]);

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        Assert.That(await metadata.GetRecordsAsync(key), Is.EqualTo(original[key]));
        Assert.That(report.RecordsWritten, Is.EqualTo(1 + (2 * Descriptors.Length)), "the disagreeing record, and the two keys that had none");
    }

    [Test]
    public async Task RebuildMetadataAsync_V1FixtureBlob_RebuildsWithoutParametersAtTheFileTime()
    {
        var path = _features.GetBlobPath(FeatureBlobTestData.Key, DescriptorId.Parse("rms@L"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(FeatureBlobFormatTests.V1FixturePath, path);
        var fileTime = new DateTime(2025, 6, 1, 8, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, fileTime);
        var metadata = new InMemoryCacheMetadataStore();

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        var expected = new CacheMetadataRecord(
            FeatureBlobTestData.Key, DescriptorId.Parse("rms@L"), FeatureBlobTestData.Revision, null, "src-0001", "time", 1, new DateTimeOffset(fileTime));
        Assert.That(await metadata.GetRecordsAsync(FeatureBlobTestData.Key), Is.EqualTo(new[] { expected }));
        Assert.That(report.RecordsWritten, Is.EqualTo(1));
    }

    [Test]
    public async Task RebuildMetadataAsync_V1BlobOfARegisteredProfile_TakesTheProfileParameters()
    {
        var original = await AnalyzeAsync();
        var key = new CacheKey("sine", "hires");
        var path = _features.GetBlobPath(key, Descriptors[0]);
        await File.WriteAllBytesAsync(path, ToVersion1(await File.ReadAllBytesAsync(path)));
        var fileTime = new DateTime(2025, 6, 1, 8, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, fileTime);
        var metadata = new InMemoryCacheMetadataStore();

        await Maintenance(metadata).RebuildMetadataAsync();

        var record = (await metadata.GetRecordsAsync(key)).Single(r => r.Descriptor.Equals(Descriptors[0]));
        var written = original[key].Single(r => r.Descriptor.Equals(Descriptors[0]));
        Assert.That(record, Is.EqualTo(new CacheMetadataRecord(
            key, written.Descriptor, written.ProfileRevisionHash, HiRes.Parameters, written.SourceContentHash, written.CalculatorId, written.CalculatorVersion, new DateTimeOffset(fileTime))));
    }

    [Test]
    public async Task RebuildMetadataAsync_V1BlobWithAnAgreeingRecord_KeepsTheRecordsTimeAndParameters()
    {
        var original = await AnalyzeAsync();
        var key = new CacheKey("stereo", "default");
        var path = _features.GetBlobPath(key, Descriptors[0]);
        await File.WriteAllBytesAsync(path, ToVersion1(await File.ReadAllBytesAsync(path)));
        var metadata = new InMemoryCacheMetadataStore();
        await metadata.UpsertAsync(key, original[key]);

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        Assert.That(await metadata.GetRecordsAsync(key), Is.EqualTo(original[key]));
        Assert.That(report.RecordsWritten, Is.EqualTo(2 * Descriptors.Length), "only the two keys without records");
    }

    [Test]
    public async Task RebuildMetadataAsync_V1BlobInMemory_UsesTheRebuildTime()
    {
        var features = new InMemoryFeatureStore();
        features.SetStoredBytes(FeatureBlobTestData.Key, DescriptorId.Parse("rms@L"), await File.ReadAllBytesAsync(FeatureBlobFormatTests.V1FixturePath));
        var metadata = new InMemoryCacheMetadataStore();
        _time.Advance(TimeSpan.FromDays(3));

        var report = await new CacheMaintenance(features, metadata, _profiles, _time, _logger, new InMemoryHistoryStore(new(), _time)).RebuildMetadataAsync();

        Assert.That((await metadata.GetRecordsAsync(FeatureBlobTestData.Key)).Single().AnalyzedAt, Is.EqualTo(_time.GetUtcNow()));
        Assert.That(report.Keys, Is.EqualTo(new[] { FeatureBlobTestData.Key }));
    }

    [Test]
    public async Task RebuildMetadataAsync_CorruptBlobInMemory_IsQuarantinedIntoTheList()
    {
        var features = new InMemoryFeatureStore();
        var bytes = await File.ReadAllBytesAsync(FeatureBlobFormatTests.V1FixturePath);
        bytes[^9] ^= 0x01;
        features.SetStoredBytes(FeatureBlobTestData.Key, DescriptorId.Parse("rms@L"), bytes);
        var metadata = new InMemoryCacheMetadataStore();

        var report = await new CacheMaintenance(features, metadata, _profiles, _time, _logger, new InMemoryHistoryStore(new(), _time)).RebuildMetadataAsync();

        Assert.That(report.QuarantinedBlobs.Single().MovedTo, Is.EqualTo("quarantine:memory:track.wav | default/rms@L"));
        Assert.That(features.GetQuarantine().Single().Bytes, Is.EqualTo(bytes));
        Assert.That(await metadata.GetKeysAsync(), Is.Empty);
    }

    [Test]
    public async Task RebuildMetadataAsync_CancelledAfterTheFirstKey_LeavesThatKeyCompleteAndTheOthersUntouched()
    {
        var original = await AnalyzeAsync();
        using var cts = new CancellationTokenSource();
        var metadata = new CancellingMetadataStore(cts);
        var first = original.Keys.Order().First();
        var orphan = Retarget(original[first][0], first, "zcr@L");
        await metadata.Inner.UpsertAsync(first, [orphan]);

        Assert.That(async () => await Maintenance(metadata).RebuildMetadataAsync(cts.Token), Throws.InstanceOf<OperationCanceledException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await metadata.Inner.GetKeysAsync(), Is.EqualTo(new[] { first }));
            Assert.That(await metadata.Inner.GetRecordsAsync(first), Is.EqualTo(original[first]), "upserted and its orphan removed, though cancelled in between");
            Assert.That(_logger.Collector.GetSnapshot().Select(l => l.Id.Id), Does.Contain(3105));
        }

        var again = await Maintenance(metadata.Inner).RebuildMetadataAsync();
        Assert.That(again.RecordsWritten, Is.EqualTo((Analyses.Length - 1) * Descriptors.Length));
    }

    [Test]
    public void RebuildMetadataAsync_CancelledBeforeStart_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await Maintenance(new InMemoryCacheMetadataStore()).RebuildMetadataAsync(cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task RebuildMetadataAsync_EmptyStore_ReportsNothingAndWritesNothing()
    {
        var metadata = new InMemoryCacheMetadataStore();

        var report = await Maintenance(metadata).RebuildMetadataAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((report.BlobsScanned, report.RecordsWritten, report.RecordsRemoved), Is.EqualTo((0, 0, 0)));
            Assert.That(report.Keys, Is.Empty);
            Assert.That(report.QuarantinedBlobs, Is.Empty);
            Assert.That(await metadata.GetKeysAsync(), Is.Empty);
            Assert.That(Directory.Exists(_root), Is.False, "a rebuild creates nothing");
        }
    }

    [Test]
    public void AddAudioVisCache_ResolvesTheMaintenance()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.That(provider.GetRequiredService<ICacheMaintenance>(), Is.InstanceOf<CacheMaintenance>());
    }

    private static CacheMetadataRecord Retarget(CacheMetadataRecord r, CacheKey key, string descriptor) =>
        new(key, DescriptorId.Parse(descriptor), r.ProfileRevisionHash, r.Parameters, r.SourceContentHash, r.CalculatorId, r.CalculatorVersion, r.AnalyzedAt);

    /// <summary>Rewrites a version-2 blob as version 1: drops the parameters text and the time, fixes the lengths and the checksum.</summary>
    /// <summary>The stored (version-3) blob re-encoded as version 1, as an old release would have written it.</summary>
    private static byte[] ToVersion1(byte[] v3)
    {
        var blob = FeatureBlobFormat.ReadAsync(new MemoryStream(v3), "v3", CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var v2 = FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(v2.AsSpan(6));
        var at = 8;
        for (var i = 0; i < 5; i++)
        {
            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(v2.AsSpan(at)) + (i == 2 ? 32 : 0);
        }

        at += 24;
        var cut = 8 + headerLength - at;
        byte[] v1 = [.. v2.AsSpan(0, at), .. v2.AsSpan(8 + headerLength)];
        BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(6), (ushort)(headerLength - cut));
        BinaryPrimitives.WriteUInt64LittleEndian(v1.AsSpan(v1.Length - 8), XxHash3.HashToUInt64(v1.AsSpan(0, v1.Length - 8)));
        return v1;
    }

    private CacheMaintenance Maintenance(ICacheMetadataStore metadata) => new(_features, metadata, _profiles, _time, _logger, new InMemoryHistoryStore(new(), _time));

    /// <summary>Analyses every track and profile of <see cref="Analyses"/> into the file store, an hour apart; returns the records written.</summary>
    private async Task<Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>>> AnalyzeAsync()
    {
        var metadata = new InMemoryCacheMetadataStore();
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), _features, metadata, _time, CalculatorRegistry.BuiltIn);
        foreach (var (track, profile) in Analyses)
        {
            _time.Advance(TimeSpan.FromHours(1));
            await analyzer.AnalyzeAsync(new AnalysisRequest(profile, track, Descriptors), null);
        }

        var result = new Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>>();
        foreach (var key in await metadata.GetKeysAsync())
        {
            result[key] = await metadata.GetRecordsAsync(key);
        }

        Assert.That(result, Has.Count.EqualTo(Analyses.Length));
        return result;
    }

    private string Corrupt(CacheKey key, string descriptor, Func<byte[], byte[]> corrupt)
    {
        var path = _features.GetBlobPath(key, DescriptorId.Parse(descriptor));
        File.WriteAllBytes(path, corrupt(File.ReadAllBytes(path)));
        return path;
    }

    private async Task<CacheDiff> DiffAsync(ICacheMetadataStore metadata, CacheKey key, string sourceHash)
    {
        var differ = new CacheDiffer(metadata, _profiles, DescriptorCatalog.Default, new FixedSourceHashes(sourceHash));
        var intent = AnalysisIntent.Create("element", key.TrackRef, key.AnalysisProfileId, Descriptors.Select(d => d.ToString()), _time.GetUtcNow());
        return await differ.DiffAsync(key, [intent]);
    }

    private sealed class FixedSourceHashes(string hash) : ITrackSourceHashProvider
    {
        public ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default) => new(TrackSourceStatus.Known(hash));
    }

    /// <summary>Cancels the token right after the first upsert completes.</summary>
    private sealed class CancellingMetadataStore(CancellationTokenSource cts) : ICacheMetadataStore
    {
        public InMemoryCacheMetadataStore Inner { get; } = new();

        public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            Inner.GetRecordsAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => Inner.GetKeysAsync(cancellationToken);

        public async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
        {
            await Inner.UpsertAsync(key, records, cancellationToken);
            await cts.CancelAsync();
        }

        public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) =>
            Inner.RemoveAsync(key, descriptors, cancellationToken);
    }
}
