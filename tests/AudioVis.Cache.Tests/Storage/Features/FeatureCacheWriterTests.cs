using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.Time.Testing;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureCacheWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    private InMemoryFeatureStore _features = null!;
    private InMemoryCacheMetadataStore _metadata = null!;

    [SetUp]
    public void SetUp()
    {
        _features = new InMemoryFeatureStore();
        _metadata = new InMemoryCacheMetadataStore();
    }

    [Test]
    public async Task CommitAsync_WritesEveryBlobBeforeAnyRecord()
    {
        var parameters = AnalysisParameters.Default;
        FeatureBlob[] blobs = [WithRevision(Blob(descriptor: "rms@R"), parameters), WithRevision(Blob(descriptor: "rms@L"), parameters)];
        var blobsReadableAtUpsert = new List<bool>();
        var checkingMetadata = new UpsertObserver(_metadata, records =>
        {
            foreach (var record in records)
            {
                blobsReadableAtUpsert.Add(_features.ReadAsync(record.Key, record.Descriptor).AsTask().GetAwaiter().GetResult() is not null);
            }
        });
        var writer = new FeatureCacheWriter(_features, checkingMetadata, new FakeTimeProvider(Now));

        var written = await writer.CommitAsync(Key, blobs, parameters);

        Assert.That(blobsReadableAtUpsert, Is.EqualTo(new[] { true, true }));
        var stored = await _metadata.GetRecordsAsync(Key);
        Assert.That(stored, Is.EqualTo(written));
        var first = stored[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored.Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "rms@L", "rms@R" }));
            Assert.That(first.ProfileRevisionHash, Is.EqualTo(ProfileRevisionHash.Compute(parameters)));
            Assert.That(first.Parameters, Is.SameAs(parameters));
            Assert.That(first.SourceContentHash, Is.EqualTo("src-0001"));
            Assert.That(first.CalculatorId, Is.EqualTo("time"));
            Assert.That(first.CalculatorVersion, Is.EqualTo(1));
            Assert.That(first.AnalyzedAt, Is.EqualTo(Now));
        }
    }

    [Test]
    public async Task CommitAsync_BlobWriteFails_WritesNoNewRecordAndForgetsRecordsOfReplacedBlobs()
    {
        // An earlier, complete commit of three descriptors.
        var earlier = new FeatureCacheWriter(_features, _metadata, new FakeTimeProvider(Now.AddHours(-1)));
        await earlier.CommitAsync(Key, [Blob(descriptor: "rms@L"), Blob(descriptor: "rms@R"), Blob(descriptor: "zcr")], parameters: null);
        var failing = new FailingFeatureStore(_features, failOnWrite: 2);
        var writer = new FeatureCacheWriter(failing, _metadata, new FakeTimeProvider(Now));

        Assert.That(
            async () => await writer.CommitAsync(Key, [Blob(descriptor: "rms@L", seed: 5), Blob(descriptor: "rms@R", seed: 5)], parameters: null),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("Disk full (simulated)."));

        // rms@L was replaced and rms@R may have been: their old records must not describe the new blobs.
        var records = await _metadata.GetRecordsAsync(Key);
        Assert.That(records.Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "zcr" }));
        Assert.That(records[0].AnalyzedAt, Is.EqualTo(Now.AddHours(-1)));
    }

    [Test]
    public async Task CommitAsync_MetadataStoreFailsToo_ReportsTheCommitFailure()
    {
        var broken = new UpsertObserver(_metadata, _ => throw new InvalidOperationException("Metadata store offline (simulated)."), failRemovals: true);
        var writer = new FeatureCacheWriter(_features, broken, new FakeTimeProvider(Now));

        Assert.That(
            async () => await writer.CommitAsync(Key, [Blob()], parameters: null),
            Throws.InvalidOperationException.With.Message.EqualTo("Metadata store offline (simulated)."));

        Assert.That(await _features.ReadAsync(Key, DescriptorId.Parse("rms@L")), Is.Not.Null);
    }

    [Test]
    public async Task CommitAsync_InvalidInput_WritesNothing()
    {
        var writer = new FeatureCacheWriter(_features, _metadata, new FakeTimeProvider(Now));

        Assert.That(
            async () => await writer.CommitAsync(Key, [Blob(descriptor: "rms@L"), Blob(key: new CacheKey("other.wav", "default"))], null),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("blobs").And.Message.Contains("other.wav"));
        Assert.That(
            async () => await writer.CommitAsync(Key, [Blob(descriptor: "rms@L"), Blob(descriptor: "rms@L", seed: 2)], null),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("blobs").And.Message.Contains("two blobs for descriptor 'rms@L'"));
        Assert.That(
            async () => await writer.CommitAsync(Key, [Blob(descriptor: "rms@L")], AnalysisParameters.Default),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters"));

        Assert.That(await _features.ListAsync(Key), Is.Empty);
        Assert.That(await _metadata.GetRecordsAsync(Key), Is.Empty);
    }

    [Test]
    public async Task CommitAsync_CancelledToken_WritesNothing()
    {
        var writer = new FeatureCacheWriter(_features, _metadata, new FakeTimeProvider(Now));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Assert.That(async () => await writer.CommitAsync(Key, [Blob()], null, cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await _features.ListAsync(Key), Is.Empty);
        Assert.That(await _metadata.GetRecordsAsync(Key), Is.Empty);
    }

    private static FeatureBlob WithRevision(FeatureBlob blob, AnalysisParameters parameters)
    {
        var h = blob.Header;
        var header = new FeatureBlobHeader(
            h.Key, h.Descriptor, ProfileRevisionHash.Compute(parameters), h.SourceContentHash, h.CalculatorId, h.CalculatorVersion,
            h.SampleRate, h.HopSize, h.WindowSize, h.FrameCount, h.ValuesPerFrame);
        return new FeatureBlob(header, blob.Values.Span);
    }

    private sealed class UpsertObserver(ICacheMetadataStore inner, Action<IReadOnlyList<CacheMetadataRecord>> onUpsert, bool failRemovals = false) : ICacheMetadataStore
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            inner.GetRecordsAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => inner.GetKeysAsync(cancellationToken);

        public ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
        {
            onUpsert(records);
            return inner.UpsertAsync(key, records, cancellationToken);
        }

        public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) =>
            failRemovals ? ValueTask.FromException<int>(new IOException("Removal failed (simulated).")) : inner.RemoveAsync(key, descriptors, cancellationToken);
    }

    private sealed class FailingFeatureStore(IFeatureStore inner, int failOnWrite) : IFeatureStore
    {
        private int _writes;

        public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default) =>
            ++_writes == failOnWrite ? ValueTask.FromException(new IOException("Disk full (simulated).")) : inner.WriteAsync(blob, cancellationToken);

        public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(key, descriptor, cancellationToken);

        public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(key, descriptor, cancellationToken);

        public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            inner.ListAsync(key, cancellationToken);

        public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => inner.ScanAsync(cancellationToken);

        public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) =>
            inner.QuarantineAsync(location, cancellationToken);
    }
}
