using AudioVis.Cache.Storage;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Tests.Storage;

[TestFixture]
public sealed class InMemoryCacheMetadataStoreTests : CacheMetadataStoreConformanceTests
{
    protected override ValueTask<ICacheMetadataStore> CreateStoreAsync() => new(new InMemoryCacheMetadataStore());
}
