using System.Text;
using System.Text.RegularExpressions;
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
        bytes[FeatureBlobFormat.PreambleLength + 2] ^= 0x40; // a value byte (format version 3: values from byte 8)
        store.SetStoredBytes(Key, blob.Header.Descriptor, bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
        Assert.That(e.Location, Is.EqualTo("memory:track.wav | default/rms@L"));
        Assert.That(e.Message, Does.Contain(e.Location).And.Contain("checksum"));
        Assert.That(await store.ReadAsync(Key, DescriptorId.Parse("rms@R")), Is.Not.Null);
    }

    [Test]
    public async Task ReadAsync_AfterWrite_ReturnsTheWrittenInstance()
    {
        var blob = Blob(frameCount: 40, valuesPerFrame: 3, seed: 2);
        var other = Blob(descriptor: "rms@R", seed: 5);
        await Store.WriteAsync(blob);
        await Store.WriteAsync(other);

        var read = await Store.ReadAsync(Key, blob.Header.Descriptor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.SameAs(blob));
            Assert.That(await Store.ReadAsync(Key, other.Header.Descriptor), Is.SameAs(other));
            Assert.That(await Store.ReadAsync(Key, blob.Header.Descriptor), Is.SameAs(blob), "every read returns it");
        }
    }

    [Test]
    public async Task ReadAsync_AfterOverwrite_ReturnsTheLatestInstance()
    {
        var first = Blob(seed: 1);
        var second = Blob(seed: 2);
        await Store.WriteAsync(first);
        await Store.WriteAsync(second);

        Assert.That(await Store.ReadAsync(Key, first.Header.Descriptor), Is.SameAs(second));
    }

    // Escaped, so the test names stay valid text; unescaped to a lone surrogate in the test.
    [TestCase(@"bad\ud800.wav")]
    [TestCase(@"\udc00")]
    [TestCase(@"tail\ud83c")]
    public async Task WriteAsync_TrackRefWithLoneSurrogate_ThrowsArgumentExceptionAndStoresNothing(string escaped)
    {
        var key = new CacheKey(Regex.Unescape(escaped), "default");
        var blob = Blob(key: key);

        Assert.That(
            async () => await Store.WriteAsync(blob),
            Throws.ArgumentException.With.Message.Contains("lone surrogate").And.InnerException.InstanceOf<EncoderFallbackException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.ReadAsync(key, blob.Header.Descriptor), Is.Null);
            Assert.That(await Store.ListAsync(key), Is.Empty);
        }
    }

    [Test]
    public async Task WriteAsync_LoneSurrogate_LeavesTheStoredBlobsAsTheyWere()
    {
        var good = Blob();
        await Store.WriteAsync(good);

        Assert.That(async () => await Store.WriteAsync(Blob(key: new CacheKey("track.wav\ud800", "default"))), Throws.ArgumentException);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.ReadAsync(Key, good.Header.Descriptor), Is.SameAs(good));
            Assert.That(await Store.ListAsync(Key), Is.EqualTo(new[] { good.Header.Descriptor }));
        }
    }

    [Test]
    public async Task QuarantineAsync_CorruptBytes_KeepsThemInTheQuarantineList()
    {
        var bytes = GetStoredBytesOf(Golden());
        bytes[FeatureBlobFormat.PreambleLength + 1] ^= 0x01; // a value byte (format version 3: values from byte 8)
        var memory = (InMemoryFeatureStore)Store;
        memory.SetStoredBytes(Key, DescriptorId.Parse("rms@L"), bytes);

        var movedTo = await Store.QuarantineAsync("memory:track.wav | default/rms@L");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(movedTo, Is.EqualTo("quarantine:memory:track.wav | default/rms@L"));
            Assert.That(memory.GetQuarantine(), Has.Count.EqualTo(1));
            Assert.That(memory.GetQuarantine()[0].Bytes, Is.EqualTo(bytes));
            Assert.That(await Store.ListAsync(Key), Is.Empty);
        }
    }

    protected override IFeatureStore CreateStore() => new InMemoryFeatureStore();

    protected override void SetStoredBytes(CacheKey key, DescriptorId descriptor, byte[] bytes) =>
        ((InMemoryFeatureStore)Store).SetStoredBytes(key, descriptor, bytes);

    private static byte[] GetStoredBytesOf(FeatureBlob blob) =>
        FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    protected override byte[] GetStoredBytes(CacheKey key, DescriptorId descriptor) =>
        ((InMemoryFeatureStore)Store).GetStoredBytes(key, descriptor) ?? throw new InvalidOperationException("Nothing stored.");
}
