using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>What the SQLite metadata store adds to the conformance suite: exact times, ordinal key order, reopening.</summary>
public sealed class SqliteCacheMetadataStoreTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task Upsert_ThenReopen_RecordsPersistWithExactTimeAndOffset()
    {
        var path = _folder.File("cache.db");
        var key = new CacheKey("tracks/a.wav", "default");
        var at = new DateTimeOffset(2026, 3, 29, 1, 59, 59, TimeSpan.FromMinutes(330)).AddTicks(9_999_999);
        CacheMetadataRecord[] records = [SqliteTestSupport.Record(key, "rms", analyzedAt: at), SqliteTestSupport.Record(key, "zcr", parametersKnown: false)];

        var read = await UpsertThenReopenAsync(path, key, records);

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(records));
            Assert.That(read[0].AnalyzedAt.Offset, Is.EqualTo(TimeSpan.FromMinutes(330)));
            Assert.That(read[0].AnalyzedAt.Ticks, Is.EqualTo(at.Ticks));
        });
    }

    // The store keeps parameters as their canonical text, which omits spectrum_encoding when it is float32 (issue #10).
    [Test]
    public async Task Upsert_ThenReopen_EverySpectrumEncodingRoundTrips()
    {
        var path = _folder.File("encodings.db");
        var key = new CacheKey("tracks/a.wav", "default");
        CacheMetadataRecord[] records =
        [
            .. Enum.GetValues<SpectrumEncoding>().Select(e =>
                SqliteTestSupport.Record(key, $"spectrum@ch{(int)e + 1}", parameters: AnalysisParameters.Default with { SpectrumEncoding = e })),
        ];

        var read = await UpsertThenReopenAsync(path, key, records);

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(records));
            Assert.That(read.Select(r => r.Parameters!.SpectrumEncoding), Is.EqualTo(Enum.GetValues<SpectrumEncoding>()));
        });
    }

    [Test]
    public async Task GetKeys_SurrogatePairsAndPrivateUseCharacters_InUtf16OrdinalOrder()
    {
        // UTF-8 byte order puts U+1F3B5 (surrogates D83C DFB5) after U+E000; UTF-16 ordinal order puts it before.
        await using var store = new SqliteCacheMetadataStore(SqliteTestSupport.Open(_folder.File("order.db")), ownsDatabase: true);
        string[] refs = ["\uE000.wav", "\U0001F3B5.wav", "\uFFFD.wav", "a.wav", "é.wav"];
        foreach (var trackRef in refs)
        {
            var key = new CacheKey(trackRef, "default");
            await store.UpsertAsync(key, [SqliteTestSupport.Record(key, "rms")]);
        }

        var keys = await store.GetKeysAsync();

        Assert.That(keys.Select(k => k.TrackRef), Is.EqualTo(refs.Order(StringComparer.Ordinal)));
    }

    [Test]
    public async Task Upsert_LoneSurrogateInTrackRef_ThrowsArgumentException_WritesNothing()
    {
        await using var store = new SqliteCacheMetadataStore(SqliteTestSupport.Open(_folder.File("lone.db")), ownsDatabase: true);
        var key = new CacheKey("bad\uD800.wav", "default");

        Assert.That(async () => await store.UpsertAsync(key, [SqliteTestSupport.Record(key, "rms")]), Throws.ArgumentException.With.Message.Contains("lone UTF-16 surrogate"));
        Assert.That(await store.GetKeysAsync(), Is.Empty);
    }

    /// <summary>Upserts the records into a new database, closes it, and reads them back from a reopened one.</summary>
    private static async Task<IReadOnlyList<CacheMetadataRecord>> UpsertThenReopenAsync(string path, CacheKey key, CacheMetadataRecord[] records)
    {
        await using (var store = new SqliteCacheMetadataStore(SqliteTestSupport.Open(path), ownsDatabase: true))
        {
            await store.UpsertAsync(key, records);
        }

        await using var reopened = new SqliteCacheMetadataStore(SqliteTestSupport.Open(path), ownsDatabase: true);
        return await reopened.GetRecordsAsync(key);
    }
}
