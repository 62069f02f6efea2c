using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using NUnit.Framework;

namespace AudioVis.Cache.Testing;

/// <summary>
/// The contract every <see cref="ICacheMetadataStore"/> must meet. Derive a fixture from this class, return a new,
/// empty store from <see cref="CreateStoreAsync"/>, and every test here runs against your implementation.
/// </summary>
/// <example>
/// <code>
/// [TestFixture]
/// public sealed class SqlServerCacheMetadataStoreTests : CacheMetadataStoreConformanceTests
/// {
///     protected override ValueTask&lt;ICacheMetadataStore&gt; CreateStoreAsync() => new(new SqlServerCacheMetadataStore(connectionString));
/// }
/// </code>
/// </example>
public abstract class CacheMetadataStoreConformanceTests
{
    private static readonly DateTimeOffset AnalyzedAt = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ICacheMetadataStore> _stores = [];

    /// <summary>Creates a new, empty store. Called once or more per test; each call must return an independent store.</summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ICacheMetadataStore> CreateStoreAsync();

    /// <summary>Disposes every store the test created (when it is disposable).</summary>
    /// <returns>A task that completes when the stores are disposed.</returns>
    [TearDown]
    public async Task DisposeStoresAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _stores.Clear();
    }

    /// <summary>A record that was written reads back equal, field by field.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_ThenGet_ReturnsEqualRecords()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("tracks/intro.wav");
        var records = new[] { Record(key, "rms@mid"), Record(key, "spectrum.bands32@L", parametersKnown: false), Record(key, "onset.strength") };

        await store.UpsertAsync(key, records).ConfigureAwait(false);
        var read = await store.GetRecordsAsync(key).ConfigureAwait(false);

        Assert.That(read, Is.EqualTo(records.OrderBy(r => r.Descriptor).ToArray()));
        Assert.Multiple(() =>
        {
            var rms = read.Single(r => r.Descriptor == DescriptorId.Parse("rms@mid"));
            Assert.That(rms.Key, Is.EqualTo(key));
            Assert.That(rms.ProfileRevisionHash, Is.EqualTo(AnalysisProfile.Default.RevisionHash));
            Assert.That(rms.Parameters, Is.EqualTo(AnalysisParameters.Default));
            Assert.That(rms.SourceContentHash, Is.EqualTo("source-1"));
            Assert.That(rms.CalculatorId, Is.EqualTo("time"));
            Assert.That(rms.CalculatorVersion, Is.EqualTo(1));
            Assert.That(rms.AnalyzedAt, Is.EqualTo(AnalyzedAt));
            Assert.That(read.Single(r => r.Descriptor.Name == "spectrum.bands32").Parameters, Is.Null);
        });
    }

    /// <summary>Non-default parameters survive the round trip (stores that serialise them must keep every field).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_NonDefaultParameters_RoundTripExactly()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        var parameters = new AnalysisParameters
        {
            WindowSize = 1000,
            HopSize = 333,
            FftSize = 1024,
            WindowFunction = WindowFunction.Blackman,
            MinDecibels = -96.5,
            MaxDecibels = 0.1,
            BandLayout = BandLayout.Mel,
            MinBandFrequency = 0.1 + 0.2,
            MaxBandFrequency = 11025,
            TargetSampleRate = 22050,
        };
        var record = Record(key, "mfcc", parameters: parameters);

        await store.UpsertAsync(key, [record]).ConfigureAwait(false);
        var read = (await store.GetRecordsAsync(key).ConfigureAwait(false)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(read.Parameters, Is.EqualTo(parameters));
            Assert.That(read.ProfileRevisionHash, Is.EqualTo(ProfileRevisionHash.Compute(parameters)));
        });
    }

    /// <summary>A key without records reads as an empty list, not null.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Get_UnknownKey_ReturnsEmpty()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);

        var read = await store.GetRecordsAsync(Key("never-written")).ConfigureAwait(false);

        Assert.That(read, Is.Empty);
    }

    /// <summary>An upsert replaces the record with the same descriptor and keeps the others.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_SameDescriptor_ReplacesOnlyThatRecord()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms"), Record(key, "peak")]).ConfigureAwait(false);
        var replacement = Record(key, "rms", source: "source-2", version: 2);

        await store.UpsertAsync(key, [replacement]).ConfigureAwait(false);
        var read = await store.GetRecordsAsync(key).ConfigureAwait(false);

        Assert.That(read, Is.EqualTo(new[] { Record(key, "peak"), replacement }));
    }

    /// <summary>Records are returned ordered by descriptor id (ordinal), whatever the write order.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Get_ReturnsRecordsInOrdinalDescriptorOrder()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        string[] ids = ["zcr", "rms@R", "rms", "spectrum.bands8@side", "chroma@L", "rms@L", "mfcc"];
        foreach (var id in ids)
        {
            await store.UpsertAsync(key, [Record(key, id)]).ConfigureAwait(false);
        }

        var read = await store.GetRecordsAsync(key).ConfigureAwait(false);

        Assert.That(read.Select(r => r.Descriptor.ToString()), Is.EqualTo(ids.Select(DescriptorId.Parse).Order().Select(d => d.ToString())));
    }

    /// <summary>Writes to one {track, profile} never show up under another.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_IsIsolatedBetweenTracksAndProfiles()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var a = Key("track-a");
        var b = Key("track-b");
        var aHiRes = Key("track-a", "hires");
        await store.UpsertAsync(a, [Record(a, "rms")]).ConfigureAwait(false);
        await store.UpsertAsync(b, [Record(b, "peak")]).ConfigureAwait(false);
        await store.UpsertAsync(aHiRes, [Record(aHiRes, "zcr")]).ConfigureAwait(false);

        await store.RemoveAsync(b, [DescriptorId.Parse("peak")]).ConfigureAwait(false);

        Assert.Multiple(async () =>
        {
            Assert.That((await store.GetRecordsAsync(a).ConfigureAwait(false)).Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "rms" }));
            Assert.That(await store.GetRecordsAsync(b).ConfigureAwait(false), Is.Empty);
            Assert.That((await store.GetRecordsAsync(aHiRes).ConfigureAwait(false)).Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "zcr" }));
            Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Is.EqualTo(new[] { a, aHiRes }));
        });
    }

    /// <summary>Track references are opaque text: paths, URIs and unicode are distinct keys, compared ordinally.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_TrackRefsAreOrdinalAndOpaque()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        string[] refs = ["C:\\Music\\a.wav", "c:\\music\\a.wav", "https://host/a.ogg?x=1&y='2'", "曲/トラック.mp3", "../../etc/passwd", "a b", new string('x', 1024)];
        for (var i = 0; i < refs.Length; i++)
        {
            var key = Key(refs[i]);
            await store.UpsertAsync(key, [Record(key, "rms", source: $"source-of-{i}")]).ConfigureAwait(false);
        }

        for (var i = 0; i < refs.Length; i++)
        {
            var read = await store.GetRecordsAsync(Key(refs[i])).ConfigureAwait(false);
            Assert.That(read.Single().SourceContentHash, Is.EqualTo($"source-of-{i}"), refs[i]);
        }

        Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Has.Count.EqualTo(refs.Length));
    }

    /// <summary>Remove deletes only the named descriptors and reports how many it removed.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Remove_DeletesOnlyNamedDescriptors()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms"), Record(key, "peak"), Record(key, "zcr")]).ConfigureAwait(false);

        var removed = await store.RemoveAsync(key, [DescriptorId.Parse("rms"), DescriptorId.Parse("zcr"), DescriptorId.Parse("mfcc")]).ConfigureAwait(false);

        Assert.Multiple(async () =>
        {
            Assert.That(removed, Is.EqualTo(2));
            Assert.That((await store.GetRecordsAsync(key).ConfigureAwait(false)).Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "peak" }));
        });
    }

    /// <summary>A key whose last record is removed disappears from the key list.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Remove_LastRecord_RemovesKeyFromList()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms")]).ConfigureAwait(false);

        await store.RemoveAsync(key, [DescriptorId.Parse("rms")]).ConfigureAwait(false);

        Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Is.Empty);
    }

    /// <summary>A list returned earlier is a snapshot: later writes do not change it.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Get_ReturnsSnapshotUnaffectedByLaterWrites()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms")]).ConfigureAwait(false);
        var before = await store.GetRecordsAsync(key).ConfigureAwait(false);

        await store.UpsertAsync(key, [Record(key, "peak"), Record(key, "rms", version: 7)]).ConfigureAwait(false);

        Assert.That(before, Is.EqualTo(new[] { Record(key, "rms") }));
    }

    /// <summary>Concurrent writers to different keys and to the same key lose nothing and tear nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_ConcurrentWriters_AllRecordsLand()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        const int Writers = 16;
        const int PerWriter = 25;
        var shared = Key("shared");

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var own = Key($"track-{w:D2}");
            for (var i = 0; i < PerWriter; i++)
            {
                await store.UpsertAsync(own, [Record(own, $"spectrum.bands{i + 1}")]).ConfigureAwait(false);
                await store.UpsertAsync(shared, [Record(shared, $"spectrum.bands{(w * PerWriter) + i + 1}", version: w)]).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);

        var sharedRecords = await store.GetRecordsAsync(shared).ConfigureAwait(false);
        Assert.Multiple(async () =>
        {
            Assert.That(sharedRecords, Has.Count.EqualTo(Writers * PerWriter));
            Assert.That(sharedRecords.Select(r => r.Descriptor).Distinct().Count(), Is.EqualTo(Writers * PerWriter));
            for (var w = 0; w < Writers; w++)
            {
                Assert.That(await store.GetRecordsAsync(Key($"track-{w:D2}")).ConfigureAwait(false), Has.Count.EqualTo(PerWriter));
            }

            Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Has.Count.EqualTo(Writers + 1));
        });
    }

    /// <summary>Concurrent replacements of one record leave exactly one, complete, of the written versions.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_ConcurrentReplacementsOfOneRecord_LeaveOneCompleteVersion()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");

        await Task.WhenAll(Enumerable.Range(0, 32).Select(v => Task.Run(async () =>
            await store.UpsertAsync(key, [Record(key, "rms", source: $"source-{v}", version: v)]).ConfigureAwait(false)))).ConfigureAwait(false);

        var record = (await store.GetRecordsAsync(key).ConfigureAwait(false)).Single();
        Assert.That(record.SourceContentHash, Is.EqualTo($"source-{record.CalculatorVersion}"));
    }

    /// <summary>A cancelled write stores nothing and throws <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_CancelledToken_ThrowsAndWritesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(async () => await store.UpsertAsync(key, [Record(key, "rms")], cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>A cancelled remove removes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Remove_CancelledToken_ThrowsAndRemovesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms")]).ConfigureAwait(false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(async () => await store.RemoveAsync(key, [DescriptorId.Parse("rms")], cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Has.Count.EqualTo(1));
    }

    /// <summary>A cancelled write of several records stores none of them (not a prefix of the batch).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_CancelledTokenWithSeveralRecords_ThrowsAndWritesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(
            async () => await store.UpsertAsync(key, [Record(key, "rms"), Record(key, "peak"), Record(key, "zcr"), Record(key, "mfcc")], cancelled.Token).ConfigureAwait(false),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(async () =>
        {
            Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Is.Empty);
            Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Is.Empty);
        });
    }

    /// <summary>A cancelled remove of several descriptors removes none of them.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Remove_CancelledTokenWithSeveralDescriptors_ThrowsAndRemovesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms"), Record(key, "peak"), Record(key, "zcr"), Record(key, "mfcc")]).ConfigureAwait(false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(
            async () => await store.RemoveAsync(key, [DescriptorId.Parse("rms"), DescriptorId.Parse("peak"), DescriptorId.Parse("zcr"), DescriptorId.Parse("mfcc")], cancelled.Token).ConfigureAwait(false),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Has.Count.EqualTo(4));
    }

    /// <summary>A remove whose list holds a null descriptor is rejected before anything is removed.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Remove_ListWithNullDescriptor_ThrowsAndRemovesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        await store.UpsertAsync(key, [Record(key, "rms"), Record(key, "peak")]).ConfigureAwait(false);

        Assert.That(
            async () => await store.RemoveAsync(key, [DescriptorId.Parse("rms"), DescriptorId.Parse("peak"), null!]).ConfigureAwait(false),
            Throws.InstanceOf<ArgumentNullException>());
        Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Has.Count.EqualTo(2));
    }

    /// <summary>Cancelled reads throw <see cref="OperationCanceledException"/>.</summary>
    [Test]
    public void Reads_CancelledToken_Throw()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Multiple(async () =>
        {
            var store = await NewStoreAsync().ConfigureAwait(false);
            Assert.That(async () => await store.GetRecordsAsync(Key("t"), cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(async () => await store.GetKeysAsync(cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        });
    }

    /// <summary>A batch with a record of another key is rejected before anything is written, naming the record.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_RecordOfAnotherKey_ThrowsAndWritesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");
        var other = Key("other");

        Assert.That(
            async () => await store.UpsertAsync(key, [Record(key, "rms"), Record(other, "peak")]).ConfigureAwait(false),
            Throws.ArgumentException.With.Message.Contains("peak").And.Message.Contains("other"));
        Assert.Multiple(async () =>
        {
            Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Is.Empty);
            Assert.That(await store.GetRecordsAsync(other).ConfigureAwait(false), Is.Empty);
        });
    }

    /// <summary>A batch with two records for one descriptor is rejected before anything is written.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_DuplicateDescriptorInBatch_ThrowsAndWritesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");

        Assert.That(
            async () => await store.UpsertAsync(key, [Record(key, "zcr"), Record(key, "rms"), Record(key, "rms@mono")]).ConfigureAwait(false),
            Throws.ArgumentException.With.Message.Contains("'rms'"));
        Assert.That(await store.GetRecordsAsync(key).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>Null arguments and the default key are rejected with argument exceptions.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Calls_NullOrDefaultArguments_ThrowArgumentExceptions()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");

        Assert.Multiple(() =>
        {
            Assert.That(async () => await store.UpsertAsync(key, null!).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(async () => await store.UpsertAsync(key, [null!]).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(async () => await store.UpsertAsync(default, [Record(key, "rms")]).ConfigureAwait(false), Throws.InstanceOf<ArgumentException>());
            Assert.That(async () => await store.GetRecordsAsync(default).ConfigureAwait(false), Throws.InstanceOf<ArgumentException>());
            Assert.That(async () => await store.RemoveAsync(key, null!).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(async () => await store.RemoveAsync(key, [null!]).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
        });
        Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Is.Empty);
    }

    /// <summary>An empty batch is a no-op.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Upsert_EmptyBatch_ChangesNothing()
    {
        var store = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");

        await store.UpsertAsync(key, []).ConfigureAwait(false);

        Assert.That(await store.GetKeysAsync().ConfigureAwait(false), Is.Empty);
    }

    /// <summary>Two stores created by the fixture are independent.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateStore_ReturnsIndependentStores()
    {
        var first = await NewStoreAsync().ConfigureAwait(false);
        var second = await NewStoreAsync().ConfigureAwait(false);
        var key = Key("t");

        await first.UpsertAsync(key, [Record(key, "rms")]).ConfigureAwait(false);

        Assert.That(await second.GetRecordsAsync(key).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>Creates a key under the <c>default</c> profile (or another).</summary>
    /// <param name="trackRef">The track reference.</param>
    /// <param name="profileId">The profile id.</param>
    /// <returns>The key.</returns>
    protected static CacheKey Key(string trackRef, string profileId = AnalysisProfile.DefaultId) => new(trackRef, profileId);

    /// <summary>Creates a record with fixed, recognisable field values.</summary>
    /// <param name="key">The key.</param>
    /// <param name="descriptor">The descriptor id text.</param>
    /// <param name="source">The source content hash.</param>
    /// <param name="version">The calculator version.</param>
    /// <param name="parameters">The parameters (default: <see cref="AnalysisParameters.Default"/>).</param>
    /// <param name="parametersKnown"><see langword="false"/> to write a record whose parameters are unknown (<see langword="null"/>).</param>
    /// <returns>The record.</returns>
    protected static CacheMetadataRecord Record(
        CacheKey key, string descriptor, string source = "source-1", int version = 1, AnalysisParameters? parameters = null, bool parametersKnown = true)
    {
        var effective = parameters ?? AnalysisParameters.Default;
        var id = DescriptorId.Parse(descriptor);
        var calculator = DescriptorCatalog.Default.TryGetDefinition(id, out var definition) ? definition.CalculatorId : "custom";
        return new CacheMetadataRecord(key, id, ProfileRevisionHash.Compute(effective), parametersKnown ? effective : null, source, calculator, version, AnalyzedAt);
    }

    private async ValueTask<ICacheMetadataStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync().ConfigureAwait(false);
        Assert.That(store, Is.Not.Null, "CreateStoreAsync returned null.");
        _stores.Add(store);
        return store;
    }
}
