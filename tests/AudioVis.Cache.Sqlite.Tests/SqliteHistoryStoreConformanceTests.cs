using AudioVis.Cache.History;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>The history store contract of AudioVis.Cache.Testing, on a new database file per store.</summary>
[TestFixture]
public sealed class SqliteHistoryStoreConformanceTests : HistoryStoreConformanceTests
{
    private TempFolder? _folder;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder?.Dispose();

    protected override ValueTask<IHistoryStore> CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new(new SqliteHistoryStore(SqliteTestSupport.Open(_folder!.File($"{Guid.NewGuid():N}.db"), timeProvider), retention, timeProvider, ownsDatabase: true));
}
