using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Storage;
using CsCheck;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>Format version 3 (docs/feature-blobs.md): the chunked layout, its golden bytes, and its readers.</summary>
public sealed class FeatureBlobFormatV3Tests
{
    /// <summary>
    /// SHA-256 of the version-3 encoding of <see cref="FeatureBlobTestData.Golden"/>, also computed independently from the
    /// documented layout with the C xxHash library (libxxhash 0.8.1). If this changes, the stored format changed: bump the
    /// format version and document it instead of updating the constant.
    /// </summary>
    internal const string GoldenSha256 = "d89bd42b903df6d57ff341c742f0d9cd70dfd93f2b9ac659c9821f26734b7e78";

    /// <summary>The committed version-2 blob: <see cref="FeatureBlobTestData.Golden"/> as a version-2 writer stored it.</summary>
    internal static readonly string V2FixturePath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Storage", "Features", "Fixtures", "v2-golden.avcf");

    /// <summary>The version-3 encoding of <see cref="FeatureBlobTestData.Golden"/>, byte by byte (docs/feature-blobs.md, version 3).</summary>
    private static readonly string GoldenHex =
        "41564346" + "0300" + "0000" // magic "AVCF", version 3, reserved 0
        + "00000000" + "0000003f" + "0000803f" + "000080bf" + "00002040" + "00000080" // chunk 0: 0, 0.5, 1, -1, 2.5, -0
        + "0800000000000000" + "c3ae4cb25dacda6f" // index: chunk 0 at byte 8, its XxHash3-64
        + "0900" + "747261636b2e776176" // header: "track.wav"
        + "0700" + "64656661756c74" // "default"
        + "0500" + "726d73404c" // "rms@L"
        + "dbc5985cd1954d885231a2e0bce9e84bd9328bc56867ba8e9b4afade358ab5db" // profile revision hash of the default parameters
        + "0800" + "7372632d30303031" // "src-0001"
        + "0400" + "74696d65" // "time"
        + "01000000" + "80bb0000" + "00020000" + "00040000" + "03000000" + "02000000" // version 1, 48000 Hz, hop 512, window 1024, 3 frames, 2 values
        + "a500" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(FeatureBlobFormatTests.DefaultParametersText)) // the 165-byte canonical parameters text
        + "00889211374bdf08" // written at 2026-11-25T21:00:00Z
        + "0000" + "00200000" // encoding 0 (float32), 8192 frames per chunk
        + "2000000000000000" + "0100000000000000" + "18010000" + "00000000" // footer: index at byte 32, 1 chunk, header 280 bytes, reserved
        + "b70a8eb8e7613b3f"; // XxHash3-64 of the preamble, index, header and the footer's first 24 bytes

    [Test]
    public async Task EncodeAsync_GoldenBlob_MatchesPinnedBytes()
    {
        var bytes = await FeatureBlobFormat.EncodeAsync(Golden(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(GoldenHex));
            Assert.That(FeatureBlobFormatTests.Sha256(bytes), Is.EqualTo(GoldenSha256));
            Assert.That(bytes, Has.Length.EqualTo(360));
        }
    }

    [Test]
    public async Task ReadAsync_GoldenBlob_RoundTripsAsVersion3()
    {
        var read = await FeatureBlobFormat.ReadAsync(new MemoryStream(await FeatureBlobFormat.EncodeAsync(Golden(), CancellationToken.None)), "golden", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Header, Is.EqualTo(Golden().Header));
            Assert.That(read.Header.FormatVersion, Is.EqualTo(3));
            Assert.That(Bits(read), Is.EqualTo(Bits(Golden())));
        }
    }

    [Test]
    public void V2Fixture_File_IsTheVersion2GoldenExample()
    {
        Assert.That(FeatureBlobFormatTests.Sha256(File.ReadAllBytes(V2FixturePath)), Is.EqualTo(FeatureBlobFormatTests.GoldenSha256));
    }

    [Test]
    public void GetFramesPerChunk_AboutSixtyFourKiBAndAtLeastOneFrame()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1), Is.EqualTo(16384));
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1025), Is.EqualTo(15), "spectrum of a 2048-point FFT: 15 × 4100 bytes");
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(20000), Is.EqualTo(1));
            Assert.That(() => FeatureBlobFormat.GetFramesPerChunk(int.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at most 1073741824 bytes"));
        }
    }

    [Test]
    public void EncodeThenRead_AnyShape_RoundTripsBitExact_WholeAndThroughTheMappedReader()
    {
        // Frame counts around chunk boundaries: 0 frames, less than a chunk, exactly one or two chunks, a last partial chunk.
        var gen =
            from valuesPerFrame in Gen.OneOf(Gen.Int[1, 40], Gen.Const(1025), Gen.Const(20000))
            let perChunk = FeatureBlobFormat.GetFramesPerChunk(valuesPerFrame)
            from frames in Gen.OneOf(Gen.Const(0), Gen.Int[1, 3 * perChunk], Gen.Const(perChunk), Gen.Const(2 * perChunk), Gen.Const(perChunk + 1))
            from seed in Gen.Int
            select (valuesPerFrame, frames: Math.Min(frames, 2_000_000 / valuesPerFrame), seed);

        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        gen.Sample(
            c =>
            {
                // CsCheck samples on several threads: one key per sample.
                var key = new CacheKey($"track-{Guid.NewGuid():N}.wav", "default");
                var blob = Blob(key, frameCount: c.frames, valuesPerFrame: c.valuesPerFrame, seed: c.seed % 1000);
                store.WriteAsync(blob).AsTask().GetAwaiter().GetResult();
                var whole = store.ReadAsync(key, blob.Header.Descriptor).AsTask().GetAwaiter().GetResult()!;
                using var reader = store.OpenReaderAsync(key, blob.Header.Descriptor).AsTask().GetAwaiter().GetResult()!;
                var mapped = new float[blob.Header.ValueCount];
                reader.ReadFrames(0, mapped);
                Assert.That(Bits(whole), Is.EqualTo(Bits(blob)));
                Assert.That(mapped.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(Bits(blob)));
                Assert.That(reader.Header, Is.EqualTo(blob.Header));
            },
            iter: 60);
    }

    [Test]
    public async Task MappedReader_FramesThatStraddleChunks_AreTheBlobsFrames()
    {
        const int valuesPerFrame = 1025; // 15 frames per chunk
        var blob = Blob(frameCount: 47, valuesPerFrame: valuesPerFrame, seed: 3); // chunks 0-14, 15-29, 30-44, 45-46 (partial)
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        using var reader = (await store.OpenReaderAsync(Key, blob.Header.Descriptor))!;

        using (Assert.EnterMultipleScope())
        {
            AssertReadsFrames(reader, blob, (14, 2), (13, 20), (0, 47), (44, 3), (46, 1), (29, 16));

            Assert.That(reader.ReadValue(45, 1024), Is.EqualTo(blob.GetFrame(45)[1024]));
            Assert.That(() => reader.ReadFrames(40, new float[8 * valuesPerFrame]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Frames 40…47"));
            Assert.That(() => reader.ReadFrames(0, new float[10]), Throws.ArgumentException.With.Message.Contains("not a whole number of frames"));
            Assert.That(() => reader.ReadValue(47, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => reader.ReadValue(0, 1025), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("valueIndex"));
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task MappedReader_CorruptChunk_OpensButThatChunkThrowsNamingIt_EveryTime_OthersRead(int chunk)
    {
        const int valuesPerFrame = 1025;
        var blob = Blob(frameCount: 47, valuesPerFrame: valuesPerFrame, seed: 5);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        var path = store.GetBlobPath(Key, blob.Header.Descriptor);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[FeatureBlobFormat.PreambleLength + (chunk * 15 * valuesPerFrame * 4) + 7] ^= 0x04;
        await File.WriteAllBytesAsync(path, bytes);

        using var reader = (await store.OpenReaderAsync(Key, blob.Header.Descriptor))!;
        var frame = new float[valuesPerFrame];
        var first = Assert.Throws<CorruptFeatureBlobException>(() => reader.ReadFrames(chunk * 15, frame));
        var again = Assert.Throws<CorruptFeatureBlobException>(() => reader.ReadValue((chunk * 15) + 1, 0));
        var whole = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(first.Location, Is.EqualTo(path));
            Assert.That(first.Detail, Does.StartWith($"chunk {chunk} of 4 (frames {chunk * 15}…{Math.Min((chunk * 15) + 14, 46)}"));
            Assert.That(again!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch), "a corrupt chunk is never marked verified");
            Assert.That(whole!.Detail, Does.StartWith($"chunk {chunk} of 4"));
            var other = (chunk + 1) % 4;
            reader.ReadFrames(other * 15, frame);
            Assert.That(frame, Is.EqualTo(blob.GetFrame(other * 15).ToArray()), "the other chunks still read");
        }
    }

    public static IEnumerable<TestCaseData> StructureCorruptions()
    {
        yield return Case("preamble (reserved)", b => b[6] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch);
        yield return Case("index", b => b[V3Bytes.IndexOffset(b) + 12] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch);
        yield return Case("header", b => b[V3Bytes.HeaderOffset(b) + 3] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch);
        yield return Case("footer checksum", b => b[^3] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch);
        yield return Case("footer index offset", b => b[^32] ^= 0x01, FeatureBlobCorruption.Truncated);
        yield return Case("magic", b => b[1] ^= 0x01, FeatureBlobCorruption.BadMagic);
        yield return new TestCaseData(new Func<byte[], byte[]>(b => b[..^1]), FeatureBlobCorruption.Truncated).SetArgDisplayNames("truncated by 1 byte");
        yield return new TestCaseData(new Func<byte[], byte[]>(b => b[..(b.Length / 2)]), FeatureBlobCorruption.Truncated).SetArgDisplayNames("truncated to half");
        yield return new TestCaseData(new Func<byte[], byte[]>(b => b[..30]), FeatureBlobCorruption.Truncated).SetArgDisplayNames("truncated below the minimum");

        static TestCaseData Case(string name, Action<byte[]> edit, FeatureBlobCorruption reason) =>
            new TestCaseData(new Func<byte[], byte[]>(b => { edit(b); return b; }), reason).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(StructureCorruptions))]
    public async Task OpenReaderAsync_CorruptStructure_ThrowsTyped_AndReadScanAndStructureCheckAgree(Func<byte[], byte[]> corrupt, FeatureBlobCorruption reason)
    {
        var blob = Blob(frameCount: 47, valuesPerFrame: 1025, seed: 7);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        var path = store.GetBlobPath(Key, blob.Header.Descriptor);
        await File.WriteAllBytesAsync(path, corrupt(await File.ReadAllBytesAsync(path)));

        var open = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.OpenReaderAsync(Key, blob.Header.Descriptor));
        var read = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));
        var check = await ((IFeatureBlobStructureCheck)store).CheckStructureAsync(Key, blob.Header.Descriptor, CancellationToken.None);
        var scanned = await store.ScanAsync().ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(open!.Reason, Is.EqualTo(reason));
            Assert.That(open.Location, Is.EqualTo(path));
            Assert.That(read!.Reason, Is.EqualTo(reason));
            Assert.That(check.Corruption?.Reason, Is.EqualTo(reason));
            Assert.That(scanned.Single().Corruption?.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public async Task OpenReaderAsync_V1AndV2Blobs_AreReadAndRewrittenAsVersion3()
    {
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        var path = store.GetBlobPath(Key, DescriptorId.Parse("rms@L"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        foreach (var (fixture, version, expected) in new[] { (FeatureBlobFormatTests.V1FixturePath, 1, GoldenV1()), (V2FixturePath, 2, Golden()) })
        {
            File.Copy(fixture, path, overwrite: true);
            using (var old = (await store.OpenReaderAsync(Key, DescriptorId.Parse("rms@L")))!)
            {
                var values = new float[6];
                old.ReadFrames(0, values);
                Assert.That(old.Header.FormatVersion, Is.EqualTo(version));
                Assert.That(values.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(Bits(expected)));
            }

            // Regeneration rewrites the blob in the current format: same values, header now version 3.
            await store.WriteAsync((await store.ReadAsync(Key, DescriptorId.Parse("rms@L")))!);
            using var rewritten = (await store.OpenReaderAsync(Key, DescriptorId.Parse("rms@L")))!;
            var again = new float[6];
            rewritten.ReadFrames(0, again);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(rewritten.Header.FormatVersion, Is.EqualTo(3));
                Assert.That(rewritten.Header.Parameters, Is.EqualTo(expected.Header.Parameters));
                Assert.That(rewritten.Header.WrittenAt, Is.EqualTo(expected.Header.WrittenAt));
                Assert.That(again.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(Bits(expected)));
                Assert.That(BitConverter.ToUInt16(await File.ReadAllBytesAsync(path), 4), Is.EqualTo(3));
            }
        }
    }

    [Test]
    public async Task OpenReaderAsync_NoBlob_ReturnsNull_AndABlobOfAnotherEntry_ThrowsIdentityMismatch()
    {
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(Blob(descriptor: "rms@R"));
        File.Copy(store.GetBlobPath(Key, DescriptorId.Parse("rms@R")), store.GetBlobPath(Key, DescriptorId.Parse("rms@L")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await store.OpenReaderAsync(Key, DescriptorId.Parse("rms")), Is.Null);
            Assert.That(
                async () => await store.OpenReaderAsync(Key, DescriptorId.Parse("rms@L")),
                Throws.TypeOf<CorruptFeatureBlobException>().With.Property("Reason").EqualTo(FeatureBlobCorruption.IdentityMismatch));
        }
    }

    [Test]
    public async Task OpenReaderAsync_InMemoryStore_ReadsTheWrittenBlob()
    {
        var store = new InMemoryFeatureStore();
        var blob = Blob(frameCount: 5, valuesPerFrame: 3, seed: 2);
        await store.WriteAsync(blob);

        using var reader = (await ((IFeatureStore)store).OpenReaderAsync(Key, blob.Header.Descriptor))!;
        var frames = new float[6];
        reader.ReadFrames(3, frames);

        Assert.That(frames, Is.EqualTo(blob.Values.Slice(9, 6).ToArray()));
        Assert.That(await ((IFeatureStore)store).OpenReaderAsync(Key, DescriptorId.Parse("rms")), Is.Null);
    }
}
