using AudioVis.Cache.History;
using AudioVis.Cache.Testing;

namespace AudioVis.Cache.Tests.History;

[TestFixture]
public sealed class InMemoryHistoryStoreTests : HistoryStoreConformanceTests
{
    protected override ValueTask<IHistoryStore> CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
        new(new InMemoryHistoryStore(retention, timeProvider));

    [Test]
    public void Constructor_InvalidArguments_Throw()
    {
        var time = TimeProvider.System;

        Assert.Multiple(() =>
        {
            Assert.That(() => new InMemoryHistoryStore(null!, time), Throws.ArgumentNullException);
            Assert.That(() => new InMemoryHistoryStore(new HistoryRetentionOptions(), null!), Throws.ArgumentNullException);
            Assert.That(() => new InMemoryHistoryStore(new HistoryRetentionOptions { MaxEntries = 0 }, time), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxEntries"));
        });
    }
}
