using AudioVis.Cache.History;
using AudioVis.Cache.Sqlite;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Reliability.Tests.Conformance;

/// <summary>
/// A new SQLite database file per store, in one temporary folder that <see cref="DeleteFolder"/> removes. The suites
/// check behaviour, not durability: where the machine has a RAM disk (/dev/shm) the files go there, so the suite's many
/// small stores do not each wait for fsync.
/// </summary>
internal static class SqliteStoreFiles
{
    private static readonly Lazy<string> Folder = new(() =>
        Directory.CreateDirectory(Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "audiovis-conformance-" + Guid.NewGuid().ToString("N"))).FullName);

    public static SqliteCacheDatabase OpenNew(TimeProvider time) =>
        SqliteCacheDatabase.Open(Path.Combine(Folder.Value, $"{Guid.NewGuid():N}.db"), new SqliteCacheOptions(), time);

    public static void DeleteFolder()
    {
        if (Folder.IsValueCreated)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Folder.Value, recursive: true);
        }
    }
}

/// <summary>The SQLite metadata store, on a new database file.</summary>
internal sealed class SqliteMetadataStoreFactory : IMetadataStoreFactory
{
    public static ICacheMetadataStore Create() => new SqliteCacheMetadataStore(SqliteStoreFiles.OpenNew(TimeProvider.System), ownsDatabase: true);
}

/// <summary>The SQLite history store, on a new database file.</summary>
internal sealed class SqliteHistoryStoreFactory : IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new SqliteHistoryStore(SqliteStoreFiles.OpenNew(timeProvider), retention, timeProvider, ownsDatabase: true);
}

/// <summary>The in-memory history store, unchanged.</summary>
internal sealed class InMemoryHistoryStoreFactory : IHistoryStoreFactory
{
    public static IHistoryStore Create(HistoryRetentionOptions retention, TimeProvider timeProvider) => new InMemoryHistoryStore(retention, timeProvider);
}
