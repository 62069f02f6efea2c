using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>
/// Issue #12, item 3, feature blobs: seeded sweeps of truncations, zeroed runs and bit flips over blobs of format
/// versions 1 and 2 (the golden fixtures) and 3 (written here, two chunks). Every damaged copy must be rejected with
/// <see cref="CorruptFeatureBlobException"/> naming where it is stored; none may be returned.
/// </summary>
public sealed class FeatureBlobCorruptionTests
{
    private const string Location = "memory:reliability";

    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Corruption", "Fixtures");

    [TestCase("v1-golden.avcf")]
    [TestCase("v2-golden.avcf")]
    [TestCase("v3")]
    public async Task DamagedBlob_EveryCopyIsRejectedAsCorrupt(string format)
    {
        var original = await BytesOfAsync(format);
        Assert.That(await FeatureBlobFormat.ReadAsync(new MemoryStream(original), Location, CancellationToken.None), Is.Not.Null, "the undamaged blob reads");
        var perKind = ReliabilityTier.Pick(400, 20_000);
        var report = await CorruptionSweep.RunAsync(original, perKind, 12_3, async mutation =>
        {
            var error = await RejectsAsync(() => FeatureBlobFormat.ReadAsync(new MemoryStream(mutation.Bytes), Location, CancellationToken.None).AsTask(), mutation);
            Assert.That(error.Location, Is.EqualTo(Location), mutation.Description);
            Assert.That(error.Message, Does.Contain(Location), mutation.Description);
            return error.Reason.ToString();
        });

        ReliabilityTier.Report($"corrupt blobs ({format}, {original.Length} bytes), all rejected: {report}");
    }

    [Test]
    public async Task DamagedV3BlobOnDisk_OpeningOrReadingEveryFrameThrowsCorrupt_NeverReturnsValues()
    {
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.File("features"));
        await store.WriteAsync(TestBlobs.Make(frameCount: 6000, seed: 1));
        var path = store.GetBlobPath(TestBlobs.Key, TestBlobs.Descriptor);
        var original = await File.ReadAllBytesAsync(path);
        var perKind = ReliabilityTier.Pick(60, 2_000);
        var report = await CorruptionSweep.RunAsync(original, perKind, 12_31, async mutation =>
        {
            await File.WriteAllBytesAsync(path, mutation.Bytes);
            var opened = false;
            var error = await RejectsAsync(
                async () =>
                {
                    using var reader = await store.OpenReaderAsync(TestBlobs.Key, TestBlobs.Descriptor);
                    opened = true;
                    reader!.ReadFrames(0, new float[reader.Header.FrameCount * reader.Header.ValuesPerFrame]);
                },
                mutation);
            Assert.That(error.Location, Is.EqualTo(path), mutation.Description);
            return opened ? "rejected reading its chunk" : "rejected when opened";
        });

        ReliabilityTier.Report($"corrupt blobs on disk (v3, memory-mapped reader, {original.Length} bytes), all rejected: {report}");
    }

    private static async Task<byte[]> BytesOfAsync(string format) =>
        format == "v3"
            ? await FeatureBlobFormat.EncodeAsync(TestBlobs.Make(frameCount: 6000, seed: 1), CancellationToken.None)
            : await File.ReadAllBytesAsync(Path.Combine(Fixtures, format));

    private static async Task<CorruptFeatureBlobException> RejectsAsync(Func<Task> read, Mutation mutation)
    {
        try
        {
            await read();
        }
        catch (CorruptFeatureBlobException e)
        {
            return e;
        }

        throw new AssertionException($"a damaged blob was accepted ({mutation.Description})");
    }
}
