using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Storage.Features;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Storage;

/// <summary>The panel's "Dismiss": deletes one extraneous descriptor's blob and record and nothing else, and records <c>dismissed</c>.</summary>
public sealed class CacheMaintenanceDismissTests
{
    private static readonly CacheKey Key = FeatureBlobTestData.Key;
    private static readonly DescriptorId Rms = DescriptorId.Parse("rms@L");
    private static readonly DescriptorId Zcr = DescriptorId.Parse("zcr@L");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private InMemoryFeatureStore _features = null!;
    private InMemoryCacheMetadataStore _metadata = null!;
    private InMemoryHistoryStore _history = null!;
    private CacheMaintenance _maintenance = null!;
    private List<CacheKey> _invalidated = null!;

    [SetUp]
    public async Task SetUp()
    {
        _features = new InMemoryFeatureStore();
        _metadata = new InMemoryCacheMetadataStore();
        _history = new InMemoryHistoryStore(new HistoryRetentionOptions(), _time);
        _invalidated = [];
        _maintenance = new CacheMaintenance(
            _features,
            _metadata,
            new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance),
            _time,
            new FakeLogger<CacheMaintenance>(),
            _history);
        _maintenance.SubscribeKeyChanged(_invalidated.Add);
        foreach (var descriptor in new[] { Rms, Zcr })
        {
            await _features.WriteAsync(FeatureBlobTestData.Blob(Key, descriptor.ToString()));
            await _metadata.UpsertAsync(Key, [Records.Current(Key, descriptor.ToString(), AnalysisProfile.Default)]);
        }
    }

    /// <summary>Only <c>rms@L</c> is requested, so <c>zcr@L</c> is extraneous.</summary>
    private async Task<CacheDiff> DiffAsync() =>
        CacheDiffCalculator.Compute(
            Key,
            [AnalysisIntent.Create("pulse", Key.TrackRef, Key.AnalysisProfileId, ["rms@L"], _time.GetUtcNow())],
            AnalysisProfile.Default,
            null,
            await _metadata.GetRecordsAsync(Key),
            DescriptorCatalog.Default);

    [Test]
    public async Task DismissAsync_ExtraneousDescriptor_DeletesOnlyItsBlobAndRecordAndRecordsDismissed()
    {
        var diff = await DiffAsync();
        Assert.That(diff.Extraneous, Is.EqualTo(new[] { Zcr }), "precondition");
        var rmsBlobBefore = await _features.ReadAsync(Key, Rms);

        var entry = await _maintenance.DismissAsync(diff, Zcr);

        var history = (await _history.QueryAsync(HistoryQuery.All)).Entries;
        Assert.Multiple(async () =>
        {
            Assert.That((await _metadata.GetRecordsAsync(Key)).Select(r => r.Descriptor), Is.EqualTo(new[] { Rms }));
            Assert.That(await _features.ListAsync(Key), Is.EqualTo(new[] { Rms }));
            Assert.That(await _features.ReadAsync(Key, Rms), Is.SameAs(rmsBlobBefore));
            Assert.That(history, Is.EqualTo(new[] { entry }));
            Assert.That(entry.Action, Is.EqualTo(HistoryAction.Dismissed));
            Assert.That(entry.Status, Is.EqualTo(HistoryStatus.Success));
            Assert.That(entry.DescriptorIds, Is.EqualTo(new[] { Zcr }));
            Assert.That(entry.Key, Is.EqualTo(Key));
            Assert.That(entry.JobId, Is.Null);
            Assert.That(entry.ElementIds, Is.Empty);
            Assert.That(_invalidated, Is.EqualTo(new[] { Key }));
        });
    }

    [Test]
    public async Task DismissAsync_RequestedDescriptor_ThrowsNamingItsStateAndChangesNothing()
    {
        var diff = await DiffAsync();

        Assert.That(
            async () => await _maintenance.DismissAsync(diff, Rms),
            Throws.InvalidOperationException.With.Message.EqualTo("Descriptor 'rms@L' of track.wav | default is current, not extraneous: only a cached descriptor no element requests can be dismissed."));
        Assert.Multiple(async () =>
        {
            Assert.That(await _metadata.GetRecordsAsync(Key), Has.Count.EqualTo(2));
            Assert.That(await _features.ListAsync(Key), Has.Count.EqualTo(2));
            Assert.That((await _history.QueryAsync(HistoryQuery.All)).Entries, Is.Empty);
            Assert.That(_invalidated, Is.Empty);
        });
    }

    [Test]
    public async Task DismissAsync_CancelledToken_ThrowsAndDeletesNothing()
    {
        var diff = await DiffAsync();

        Assert.That(async () => await _maintenance.DismissAsync(diff, Zcr, new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(async () =>
        {
            Assert.That(await _metadata.GetRecordsAsync(Key), Has.Count.EqualTo(2));
            Assert.That(await _features.ListAsync(Key), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task DismissAsync_BlobDeleteFails_RemovesTheRecordRecordsAFailureAndRethrows()
    {
        var failing = new CacheMaintenance(
            new FailingDeleteStore(_features),
            _metadata,
            new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance),
            _time,
            new FakeLogger<CacheMaintenance>(),
            _history);
        var diff = await DiffAsync();

        Assert.That(async () => await failing.DismissAsync(diff, Zcr), Throws.TypeOf<IOException>().With.Message.EqualTo("disk gone"));

        var entry = (await _history.QueryAsync(HistoryQuery.All)).Entries.Single();
        Assert.Multiple(async () =>
        {
            Assert.That((await _metadata.GetRecordsAsync(Key)).Select(r => r.Descriptor), Is.EqualTo(new[] { Rms }), "the record goes first, so none points at a blob that may be gone");
            Assert.That(entry.Status, Is.EqualTo(HistoryStatus.Failure));
            Assert.That(entry.ErrorType, Is.EqualTo("System.IO.IOException"));
            Assert.That(entry.ErrorMessage, Is.EqualTo("disk gone"));
        });
    }

    [Test]
    public async Task DismissAsync_FromServices_NextFrameNoLongerReportsTheDescriptor()
    {
        await using var services = new TestServices();
        var store = services.Get<ICacheMetadataStore>();
        await store.UpsertAsync(Key, [Records.Current(Key, "rms@L", AnalysisProfile.Default), Records.Current(Key, "zcr@L", AnalysisProfile.Default)]);
        services.Bus.Publish(services.Intent("pulse", Key.TrackRef, Key.AnalysisProfileId, "rms@L"));
        var before = (await services.Scheduler.RunFrameAsync()).Single();
        Assert.That(before.Extraneous, Is.EqualTo(new[] { Zcr }), "precondition");

        await services.Get<ICacheMaintenance>().DismissAsync(before, Zcr);
        var after = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(after.Extraneous, Is.Empty);
            Assert.That(after.Current, Is.EqualTo(new[] { Rms }));
        });
    }

    private sealed class FailingDeleteStore(IFeatureStore inner) : IFeatureStore
    {
        public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default) => inner.WriteAsync(blob, cancellationToken);

        public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) => inner.ReadAsync(key, descriptor, cancellationToken);

        public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) => inner.ListAsync(key, cancellationToken);

        public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => inner.ScanAsync(cancellationToken);

        public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) => inner.QuarantineAsync(location, cancellationToken);
    }
}
