using AudioVis.Cache.Storage;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>The metadata store contract of AudioVis.Cache.Testing, on a new database file per store.</summary>
[TestFixture]
public sealed class SqliteCacheMetadataStoreConformanceTests : CacheMetadataStoreConformanceTests
{
    private TempFolder? _folder;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder?.Dispose();

    protected override ValueTask<ICacheMetadataStore> CreateStoreAsync() =>
        new(new SqliteCacheMetadataStore(SqliteTestSupport.Open(_folder!.File($"{Guid.NewGuid():N}.db")), ownsDatabase: true));
}
