using System.Runtime.CompilerServices;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>
/// The committed database of schema version 1 (Fixtures/schema-v1.db): made by the version 1 DDL through the real
/// metadata store, with the records below. Regenerate only if version 1 itself was wrong (it shipped, so: never).
/// </summary>
public sealed class SchemaV1Fixture
{
    public const string FileName = "schema-v1.db";

    public static CacheMetadataRecord[] Records()
    {
        var hires = AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 };
        var intro = new CacheKey("tracks/intro.wav", "default");
        var drop = new CacheKey("曲/ドロップ.ogg", "hires");
        var at = new DateTimeOffset(2026, 10, 1, 9, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567);
        return
        [
            SqliteTestSupport.Record(intro, "rms@mid", analyzedAt: at),
            SqliteTestSupport.Record(intro, "spectrum.bands32@L", source: "source-2", version: 3, analyzedAt: at.AddMinutes(1)),
            SqliteTestSupport.Record(intro, "onset.strength", parametersKnown: false, analyzedAt: at.AddMinutes(2)),
            SqliteTestSupport.Record(drop, "mfcc", parameters: hires, analyzedAt: at.ToOffset(TimeSpan.FromHours(-5))),
        ];
    }

    [Test]
    [Explicit("Writes tests/AudioVis.Cache.Sqlite.Tests/Fixtures/schema-v1.db; run by hand only.")]
    public async Task Generate()
    {
        var target = Path.Combine(Path.GetDirectoryName(SourceFile())!, "Fixtures", FileName);
        File.Delete(target);
        var database = SqliteCacheDatabase.Open(target, new SqliteCacheOptions(), TimeProvider.System, [SqliteSchema.Migrations[0]]);
        await using var store = new SqliteCacheMetadataStore(database, ownsDatabase: true);
        foreach (var group in Records().GroupBy(r => r.Key))
        {
            await store.UpsertAsync(group.Key, [.. group]);
        }
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
