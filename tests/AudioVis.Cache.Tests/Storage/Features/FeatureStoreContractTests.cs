using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>The <see cref="IFeatureStore"/> contract, run against every implementation by a derived fixture.</summary>
public abstract class FeatureStoreContractTests
{
    /// <summary>The blob whose stored bytes are pinned: SHA-256 of its encoding (see FeatureBlobFormatTests).</summary>
    private const string GoldenSha256 = FeatureBlobFormatV3Tests.GoldenSha256;

    protected IFeatureStore Store { get; private set; } = null!;

    [SetUp]
    public void CreateStoreUnderTest() => Store = CreateStore();

    [TearDown]
    public void DestroyStoreUnderTest() => DestroyStore();

    [Test]
    public async Task WriteAsync_ThenReadAsync_ReturnsEqualHeaderAndBitExactValues()
    {
        var header = Header(frameCount: 4, valuesPerFrame: 2);
        float[] values = [0f, -0f, float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.PositiveInfinity, float.Epsilon, -1e-38f, 123456.789f];
        var blob = new FeatureBlob(header, values);

        await Store.WriteAsync(blob);
        var read = await Store.ReadAsync(Key, header.Descriptor);

        Assert.That(read, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read!.Header, Is.EqualTo(header));
            Assert.That(Bits(read), Is.EqualTo(Bits(blob)));
        }
    }

    [Test]
    public async Task WriteAsync_BlobWithoutFrames_RoundTrips()
    {
        var blob = Blob(frameCount: 0, valuesPerFrame: 32);

        await Store.WriteAsync(blob);
        var read = await Store.ReadAsync(Key, blob.Header.Descriptor);

        Assert.That(read?.Header, Is.EqualTo(blob.Header));
        Assert.That(read!.Values.Length, Is.Zero);
    }

    [Test]
    public async Task WriteAsync_LargeBlobOverManyChunks_RoundTripsBitExact()
    {
        var blob = Blob(descriptor: "spectrum.bands32@mid", frameCount: 5000, valuesPerFrame: 32, seed: 0.125f);

        await Store.WriteAsync(blob);
        var read = await Store.ReadAsync(Key, blob.Header.Descriptor);

        Assert.That(Bits(read!), Is.EqualTo(Bits(blob)));
    }

    [Test]
    public async Task ReadAsync_NothingStored_ReturnsNull()
    {
        await Store.WriteAsync(Blob(descriptor: "rms@L"));

        Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@R")), Is.Null);
        Assert.That(await Store.ReadAsync(new CacheKey("other.wav", "default"), DescriptorId.Parse("rms@L")), Is.Null);
    }

    [Test]
    public async Task WriteAsync_SameKeyTwice_SecondReplacesFirst()
    {
        await Store.WriteAsync(Blob(seed: 1));
        var second = Blob(frameCount: 7, seed: 2);

        await Store.WriteAsync(second);
        var read = await Store.ReadAsync(Key, second.Header.Descriptor);

        Assert.That(read!.Header.FrameCount, Is.EqualTo(7));
        Assert.That(Bits(read), Is.EqualTo(Bits(second)));
    }

    [Test]
    public async Task WriteAsync_NeighbouringEntries_AreIsolated()
    {
        FeatureBlob[] blobs =
        [
            Blob(descriptor: "rms@L", seed: 1),
            Blob(descriptor: "rms@R", seed: 2),
            Blob(descriptor: "rms", seed: 3),
            Blob(descriptor: "peak@L", seed: 4),
            Blob(key: new CacheKey("track.wav", "hires"), descriptor: "rms@L", seed: 5),
            Blob(key: new CacheKey("track.wav", "Default"), descriptor: "rms@L", seed: 6),
            Blob(key: new CacheKey("other.wav", "default"), descriptor: "rms@L", seed: 7),
        ];
        foreach (var blob in blobs)
        {
            await Store.WriteAsync(blob);
        }

        using (Assert.EnterMultipleScope())
        {
            foreach (var blob in blobs)
            {
                var read = await Store.ReadAsync(blob.Header.Key, blob.Header.Descriptor);
                Assert.That(read?.Header, Is.EqualTo(blob.Header), $"{blob.Header.Key} {blob.Header.Descriptor}");
                Assert.That(Bits(read!), Is.EqualTo(Bits(blob)), $"{blob.Header.Key} {blob.Header.Descriptor}");
            }
        }
    }

    [Test]
    public async Task DeleteAsync_StoredBlob_RemovesOnlyThatBlob()
    {
        await Store.WriteAsync(Blob(descriptor: "rms@L"));
        await Store.WriteAsync(Blob(descriptor: "rms@R"));

        var deleted = await Store.DeleteAsync(Key, DescriptorId.Parse("rms@L"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.True);
            Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@L")), Is.Null);
            Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@R")), Is.Not.Null);
            Assert.That(await Store.DeleteAsync(Key, DescriptorId.Parse("rms@L")), Is.False);
        }
    }

    [Test]
    public async Task ListAsync_ReturnsDescriptorsOfOneKey_Ordered()
    {
        await Store.WriteAsync(Blob(descriptor: "spectrum.bands32@R"));
        await Store.WriteAsync(Blob(descriptor: "rms@R"));
        await Store.WriteAsync(Blob(descriptor: "rms@L"));
        await Store.WriteAsync(Blob(descriptor: "rms"));
        await Store.WriteAsync(Blob(key: new CacheKey("track.wav", "hires"), descriptor: "peak"));
        await Store.WriteAsync(Blob(key: new CacheKey("other.wav", "default"), descriptor: "zcr"));

        var listed = await Store.ListAsync(Key);

        Assert.That(listed.Select(d => d.ToString()), Is.EqualTo(new[] { "rms", "rms@L", "rms@R", "spectrum.bands32@R" }));
        Assert.That(await Store.ListAsync(new CacheKey("never.wav", "default")), Is.Empty);
    }

    [Test]
    public async Task WriteAsync_CancelledToken_ThrowsAndWritesNothing()
    {
        var previous = Blob(seed: 1);
        await Store.WriteAsync(previous);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Assert.That(async () => await Store.WriteAsync(Blob(seed: 2), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Store.WriteAsync(Blob(descriptor: "rms@R"), cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(Bits((await Store.ReadAsync(Key, previous.Header.Descriptor))!), Is.EqualTo(Bits(previous)));
        Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@R")), Is.Null);
    }

    [Test]
    public async Task OtherMembers_CancelledToken_Throw()
    {
        await Store.WriteAsync(Blob());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var descriptor = DescriptorId.Parse("rms@L");

        Assert.That(async () => await Store.ReadAsync(Key, descriptor, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Store.DeleteAsync(Key, descriptor, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Store.ListAsync(Key, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await Store.ReadAsync(Key, descriptor), Is.Not.Null);
    }

    [Test]
    public void Members_InvalidArguments_Throw()
    {
        var descriptor = DescriptorId.Parse("rms");

        Assert.That(async () => await Store.WriteAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("blob"));
        Assert.That(async () => await Store.ReadAsync(default, descriptor), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
        Assert.That(async () => await Store.ReadAsync(Key, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("descriptor"));
        Assert.That(async () => await Store.DeleteAsync(default, descriptor), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
        Assert.That(async () => await Store.ListAsync(default), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
    }

    [Test]
    public async Task WriteAsync_ConcurrentWritersOfDifferentBlobs_AllReadable()
    {
        var blobs = Enumerable.Range(1, 24)
            .Select(i => Blob(key: new CacheKey($"track{i % 3}.wav", "default"), descriptor: $"band.b{i}@ch{(i % 4) + 1}", frameCount: 50 + i, seed: i))
            .ToArray();

        await Task.WhenAll(blobs.Select(b => Task.Run(async () => await Store.WriteAsync(b))));

        using (Assert.EnterMultipleScope())
        {
            foreach (var blob in blobs)
            {
                var read = await Store.ReadAsync(blob.Header.Key, blob.Header.Descriptor);
                Assert.That(Bits(read!), Is.EqualTo(Bits(blob)), blob.Header.Descriptor.ToString());
            }
        }
    }

    [Test]
    public async Task WriteAsync_ConcurrentWritersOfOneBlob_LeaveOneCompleteBlob()
    {
        var blobs = Enumerable.Range(1, 16).Select(i => Blob(frameCount: 1000 + i, seed: i)).ToArray();
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            // Readers racing the writers see nothing, or one complete blob; never a torn one.
            for (var i = 0; i < 20; i++)
            {
                var seen = await Store.ReadAsync(Key, blobs[0].Header.Descriptor);
                if (seen is not null && !blobs.Any(b => Bits(b).SequenceEqual(Bits(seen))))
                {
                    return false;
                }
            }

            return true;
        })).ToArray();

        var writers = blobs.Select(b => Task.Run(async () => await Store.WriteAsync(b))).ToArray();
        await Task.WhenAll(writers);
        var readersSawOnlyWholeBlobs = await Task.WhenAll(readers);
        var read = await Store.ReadAsync(Key, blobs[0].Header.Descriptor);

        Assert.That(readersSawOnlyWholeBlobs, Is.All.True);
        Assert.That(blobs.Count(b => Bits(b).SequenceEqual(Bits(read!)) && b.Header.Equals(read!.Header)), Is.EqualTo(1));
    }

    [Test]
    public async Task WriteAsync_SameBlobTwice_StoresIdenticalBytesEqualToTheFormat()
    {
        var blob = Golden();
        await Store.WriteAsync(blob);
        var first = GetStoredBytes(blob.Header.Key, blob.Header.Descriptor);
        await Store.WriteAsync(Golden());
        var second = GetStoredBytes(blob.Header.Key, blob.Header.Descriptor);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(FeatureBlobFormatTests.Sha256(first), Is.EqualTo(GoldenSha256));
    }

    [Test]
    public async Task ScanAsync_EmptyStore_YieldsNothing()
    {
        Assert.That(await ScanAsync(), Is.Empty);
    }

    [Test]
    public async Task ScanAsync_BlobsOfManyKeys_YieldsEveryVerifiedHeaderOnce()
    {
        FeatureBlob[] blobs =
        [
            Golden(),
            Blob(descriptor: "rms@R", seed: 2),
            Blob(key: new CacheKey("track.wav", "hires"), descriptor: "peak", seed: 3),
            Blob(key: new CacheKey("other.wav", "default"), descriptor: "spectrum.bands32@mid", frameCount: 5000, valuesPerFrame: 32, seed: 4),
            Blob(key: new CacheKey("曲/../x.wav", "Default"), descriptor: "con", seed: 5),
        ];
        foreach (var blob in blobs)
        {
            await Store.WriteAsync(blob);
        }

        var entries = await ScanAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries.Select(e => e.IsCorrupt), Has.All.False);
            Assert.That(entries.Select(e => e.Header), Is.EquivalentTo(blobs.Select(b => b.Header)));
            Assert.That(entries.Select(e => e.Location).Distinct().Count(), Is.EqualTo(blobs.Length));
            Assert.That((await ScanAsync()).Select(e => e.Location), Is.EqualTo(entries.Select(e => e.Location)), "stable order");
        }
    }

    [Test]
    public async Task ScanAsync_CorruptBlob_YieldsItsCorruptionAndTheOthersVerified()
    {
        await Store.WriteAsync(Golden());
        await Store.WriteAsync(Blob(descriptor: "rms@R", seed: 2));
        var bytes = GetStoredBytes(Key, DescriptorId.Parse("rms@L"));
        bytes[FeatureBlobFormat.PreambleLength + 1] ^= 0x01; // a value byte (format version 3: values from byte 8)
        SetStoredBytes(Key, DescriptorId.Parse("rms@L"), bytes);

        var entries = await ScanAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries, Has.Count.EqualTo(2));
            var corrupt = entries.Single(e => e.IsCorrupt);
            Assert.That(corrupt.Corruption!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(corrupt.Location, Is.EqualTo(corrupt.Corruption.Location));
            Assert.That(corrupt.Header, Is.Null);
            Assert.That(entries.Single(e => !e.IsCorrupt).Header!.Descriptor, Is.EqualTo(DescriptorId.Parse("rms@R")));
        }
    }

    [Test]
    public async Task ScanAsync_BlobsDeletedMidScan_AreSkipped()
    {
        FeatureBlob[] blobs = [.. Enumerable.Range(1, 6).Select(i => Blob(key: new CacheKey($"t{i}.wav", "default"), seed: i))];
        foreach (var blob in blobs)
        {
            await Store.WriteAsync(blob);
        }

        var seen = new List<FeatureStoreEntry>();
        await foreach (var entry in Store.ScanAsync())
        {
            seen.Add(entry);
            if (seen.Count == 1)
            {
                foreach (var blob in blobs.Where(b => !b.Header.Equals(entry.Header)))
                {
                    await Store.DeleteAsync(blob.Header.Key, blob.Header.Descriptor);
                }
            }
        }

        Assert.That(seen, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ScanAsync_CancelledToken_Throws()
    {
        await Store.WriteAsync(Golden());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Assert.That(async () => await Store.ScanAsync(cts.Token).ToListAsync(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await Store.QuarantineAsync((await ScanAsync())[0].Location, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task QuarantineAsync_CorruptBlob_TakesItOutOfTheStore()
    {
        await Store.WriteAsync(Golden());
        await Store.WriteAsync(Blob(descriptor: "rms@R", seed: 2));
        SetStoredBytes(Key, DescriptorId.Parse("rms@L"), []);
        var corrupt = (await ScanAsync()).Single(e => e.IsCorrupt);

        var movedTo = await Store.QuarantineAsync(corrupt.Location);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(corrupt.Corruption!.Reason, Is.EqualTo(FeatureBlobCorruption.Truncated));
            Assert.That(movedTo, Is.Not.Null.And.Not.EqualTo(corrupt.Location));
            Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@L")), Is.Null);
            Assert.That(await Store.ListAsync(Key), Is.EqualTo(new[] { DescriptorId.Parse("rms@R") }));
            Assert.That((await ScanAsync()).Select(e => e.IsCorrupt), Is.EqualTo(new[] { false }));
            Assert.That(await Store.QuarantineAsync(corrupt.Location), Is.Null, "nothing left to move");
        }
    }

    [Test]
    public async Task QuarantineAsync_BlobThatVerifies_LeavesItInPlace()
    {
        await Store.WriteAsync(Golden());
        var location = (await ScanAsync()).Single().Location;

        var movedTo = await Store.QuarantineAsync(location);

        Assert.That(movedTo, Is.Null);
        Assert.That(await Store.ReadAsync(Key, DescriptorId.Parse("rms@L")), Is.Not.Null);
    }

    [Test]
    public async Task QuarantineAsync_CorruptBlobRewrittenSinceTheScan_LeavesTheNewBlob()
    {
        await Store.WriteAsync(Golden());
        SetStoredBytes(Key, DescriptorId.Parse("rms@L"), [1, 2, 3]);
        var corrupt = (await ScanAsync()).Single();
        await Store.WriteAsync(Golden());

        var movedTo = await Store.QuarantineAsync(corrupt.Location);

        Assert.That(corrupt.IsCorrupt, Is.True);
        Assert.That(movedTo, Is.Null);
        Assert.That(Bits((await Store.ReadAsync(Key, DescriptorId.Parse("rms@L")))!), Is.EqualTo(Bits(Golden())));
    }

    [Test]
    public void QuarantineAsync_InvalidLocation_Throws()
    {
        Assert.That(async () => await Store.QuarantineAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("location"));
        Assert.That(async () => await Store.QuarantineAsync("nowhere"), Throws.ArgumentException.With.Property("ParamName").EqualTo("location").And.Message.Contains("'nowhere'"));
    }

    /// <summary>Scans the whole store.</summary>
    protected async Task<List<FeatureStoreEntry>> ScanAsync() => await Store.ScanAsync().ToListAsync();

    /// <summary>Creates an empty store for one test.</summary>
    protected abstract IFeatureStore CreateStore();

    /// <summary>Releases what <see cref="CreateStore"/> created.</summary>
    protected virtual void DestroyStore()
    {
    }

    /// <summary>Gets the bytes the store holds for a blob.</summary>
    protected abstract byte[] GetStoredBytes(CacheKey key, DescriptorId descriptor);

    /// <summary>Replaces the bytes the store holds for a blob, without any checks (corruption tests).</summary>
    protected abstract void SetStoredBytes(CacheKey key, DescriptorId descriptor, byte[] bytes);
}
