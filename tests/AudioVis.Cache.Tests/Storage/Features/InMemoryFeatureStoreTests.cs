using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

[TestFixture]
public sealed class InMemoryFeatureStoreTests : FeatureStoreContractTests
{
    [Test]
    public async Task ReadAsync_CorruptStoredBytes_ThrowsNamingTheEntry()
    {
        var store = (InMemoryFeatureStore)Store;
        var blob = Blob();
        await store.WriteAsync(blob);
        await store.WriteAsync(Blob(descriptor: "rms@R"));
        var bytes = store.GetStoredBytes(Key, blob.Header.Descriptor)!;
        bytes[^12] ^= 0x40;
        store.SetStoredBytes(Key, blob.Header.Descriptor, bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
        Assert.That(e.Location, Is.EqualTo("memory:track.wav | default/rms@L"));
        Assert.That(e.Message, Does.Contain(e.Location).And.Contain("checksum"));
        Assert.That(await store.ReadAsync(Key, DescriptorId.Parse("rms@R")), Is.Not.Null);
    }

    protected override IFeatureStore CreateStore() => new InMemoryFeatureStore();

    protected override byte[] GetStoredBytes(CacheKey key, DescriptorId descriptor) =>
        ((InMemoryFeatureStore)Store).GetStoredBytes(key, descriptor) ?? throw new InvalidOperationException("Nothing stored.");
}
