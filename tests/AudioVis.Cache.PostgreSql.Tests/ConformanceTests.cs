using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>The metadata store contract of AudioVis.Cache.Testing, on a new database per store.</summary>
[TestFixture]
public sealed class PostgreSqlCacheMetadataStoreConformanceTests : CacheMetadataStoreConformanceTests
{
    protected override async ValueTask<ICacheMetadataStore> CreateStoreAsync() =>
        new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(await PostgreSqlServerFixture.NewDatabaseAsync("meta")), ownsDatabase: true);
}

/// <summary>The history store contract of AudioVis.Cache.Testing, on a new database per store.</summary>
[TestFixture]
public sealed class PostgreSqlHistoryStoreConformanceTests : HistoryStoreConformanceTests
{
    protected override async ValueTask<IHistoryStore> CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new PostgreSqlHistoryStore(PostgreSqlServerFixture.Open(await PostgreSqlServerFixture.NewDatabaseAsync("hist"), timeProvider), retention, timeProvider, ownsDatabase: true);
}
