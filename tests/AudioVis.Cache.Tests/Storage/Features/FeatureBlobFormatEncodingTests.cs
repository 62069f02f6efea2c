using System.Buffers.Binary;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using CsCheck;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>
/// Format version 3 with compact value encodings (docs/feature-blobs.md, "Value encodings"): the stored codes, chunk
/// sizing and boundaries, every reader decoding to the same floats as the in-memory store, and corrupt encoding fields.
/// </summary>
public sealed class FeatureBlobFormatEncodingTests
{
    private static readonly FeatureValueEncoding Db8 = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, 0);

    /// <summary>The worked example of docs/feature-blobs.md: <see cref="Golden"/> as 8-bit dB codes over −100…0 dB.</summary>
    private static readonly string GoldenDb8Hex =
        "41564346" + "0300" + "0000" // magic "AVCF", version 3, reserved 0
        + "ff00" + "80bf" + "40ff" // chunk 0: codes 255, 0, 128, 191, 64, 255
        + "0800000000000000" + "{chunk}" // index: chunk 0 at byte 8, its XxHash3-64
        + "{header}" // the version-2 header fields, as in the float32 example
        + "0300" + "00800000" // encoding 3 (dB8), 32768 frames per chunk (65536 bytes / 2 values)
        + "00000000000059c0" + "0000000000000000" + "0000" // low −100, high 0 (f64), level scale 0 (the values are dB)
        + "0e00000000000000" + "0100000000000000" + "2a010000" + "00000000" // footer: index at byte 14, 1 chunk, header 298 bytes, reserved
        + "{checksum}";

    public static IEnumerable<FeatureValueEncoding> Encodings() =>
    [
        FeatureValueEncoding.Float32,
        FeatureValueEncoding.Float16,
        FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Amplitude, -93.979400086720375, 6.0205999132796242),
        Db8,
        FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Power, -32.2, 67.8),
    ];

    [Test]
    public async Task EncodeAsync_GoldenAsDb8_StoresOneByteCodes_AsDocumented()
    {
        var blob = WithEncoding(Golden(), Db8, [0f, -100f, -50f, -25f, -75f, 10f]);

        var bytes = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        var hex = Convert.ToHexStringLower(bytes);
        var chunkHash = hex[(2 * 22)..(2 * 30)];
        var header = hex[(2 * 30)..(2 * (30 + 274))];
        var v2 = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bytes, Has.Length.EqualTo(8 + 6 + 16 + 298 + 32));
            Assert.That(
                hex,
                Is.EqualTo(GoldenDb8Hex.Replace("{chunk}", chunkHash, StringComparison.Ordinal).Replace("{header}", header, StringComparison.Ordinal).Replace("{checksum}", hex[^16..], StringComparison.Ordinal)));
            Assert.That(header, Is.EqualTo(Convert.ToHexStringLower(v2.AsSpan(8, 274))), "the version-2 header fields, as in the float32 example");
            Assert.That(chunkHash, Is.EqualTo(Convert.ToHexStringLower(BitConverter.GetBytes(System.IO.Hashing.XxHash3.HashToUInt64(bytes.AsSpan(8, 6))))));
            Assert.That(FeatureBlobFormatTests.Sha256(bytes), Is.EqualTo("18306b3862d2989e43ac2a482792935771a05878b92642866de602ea4f17a058"));
        }
    }

    [Test]
    public void GetFramesPerChunk_UsesTheEncodingsBytesPerValue()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1, 1), Is.EqualTo(65536));
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1, 2), Is.EqualTo(32768));
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1025, 2), Is.EqualTo(31));
            Assert.That(FeatureBlobFormat.GetFramesPerChunk(1025, 1), Is.EqualTo(63), "a 2048-point spectrum in 8-bit dB: 63 × 1025 bytes");
        }
    }

    // Raw (not yet quantised) values: every store rounds them the same way, and every read path decodes the same floats.
    [Test]
    public void AnyEncodingAndShape_FileStreamMappedAndInMemoryReads_AgreeBitForBit()
    {
        var gen =
            from encoding in Gen.Int[0, 4].Select(i => Encodings().ElementAt(i))
            from valuesPerFrame in Gen.OneOf(Gen.Int[1, 5], Gen.Const(1025))
            let perChunk = FeatureBlobFormat.GetFramesPerChunk(valuesPerFrame, encoding.BytesPerValue)
            from frames in Gen.OneOf(Gen.Const(0), Gen.Int[1, 3 * perChunk], Gen.Const(perChunk), Gen.Const(perChunk + 1), Gen.Const((2 * perChunk) - 1))
            from values in Gen.Float[-120f, 12f].Array[1025]
            select (encoding, valuesPerFrame, frames: Math.Min(frames, 300_000 / valuesPerFrame), values);

        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var memory = new InMemoryFeatureStore();
        gen.Sample(
            c =>
            {
                var key = new CacheKey($"track-{Guid.NewGuid():N}.wav", "default");
                var raw = new float[c.frames * c.valuesPerFrame];
                for (var i = 0; i < raw.Length; i++)
                {
                    // dB levels for the dB scale; positive amplitudes and powers otherwise (with some zeros).
                    var v = c.values[i % c.values.Length];
                    raw[i] = c.encoding.Scale == FeatureLevelScale.Decibels ? v : MathF.Pow(10, v / 20) * (i % 17 == 0 ? 0 : 1);
                }

                var blob = new FeatureBlob(Header(key, "spectrum@L", frameCount: c.frames, valuesPerFrame: c.valuesPerFrame) with { Encoding = c.encoding }, raw);
                files.WriteAsync(blob).AsTask().GetAwaiter().GetResult();
                memory.WriteAsync(blob).AsTask().GetAwaiter().GetResult();
                var expected = FeatureValueCodec.For(c.encoding).RoundTrip(raw) ?? raw;
                var fromMemory = memory.ReadAsync(key, blob.Header.Descriptor).AsTask().GetAwaiter().GetResult()!;
                var fromFile = files.ReadAsync(key, blob.Header.Descriptor).AsTask().GetAwaiter().GetResult()!;
                using var reader = files.OpenReaderAsync(key, blob.Header.Descriptor).AsTask().GetAwaiter().GetResult()!;
                var mapped = new float[raw.Length];
                reader.ReadFrames(0, mapped);
                var expectedBits = expected.Select(BitConverter.SingleToInt32Bits).ToArray();
                Assert.That(Bits(fromMemory), Is.EqualTo(expectedBits));
                Assert.That(Bits(fromFile), Is.EqualTo(expectedBits));
                Assert.That(mapped.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedBits));
                if (raw.Length > 0)
                {
                    var last = raw.Length - 1;
                    Assert.That(BitConverter.SingleToInt32Bits(reader.ReadValue(last / c.valuesPerFrame, last % c.valuesPerFrame)), Is.EqualTo(expectedBits[last]));
                }

                Assert.That(fromFile.Header, Is.EqualTo(blob.Header));
                Assert.That(fromMemory.Header, Is.EqualTo(blob.Header));
                Assert.That(reader.Header, Is.EqualTo(blob.Header));
                var length = new FileInfo(files.GetBlobPath(key, blob.Header.Descriptor)).Length;
                var bytes = File.ReadAllBytes(files.GetBlobPath(key, blob.Header.Descriptor));
                Assert.That(V3Bytes.IndexOffset(bytes), Is.EqualTo(8 + ((long)raw.Length * c.encoding.BytesPerValue)), "the values take F·V·b bytes");
                Assert.That(length, Is.EqualTo(bytes.Length));
            },
            iter: 50);
    }

    [Test]
    public async Task MappedReader_Db8FramesThatStraddleChunks_AreTheBlobsFrames()
    {
        const int valuesPerFrame = 1025; // 63 frames per chunk of 1-byte values
        var blob = Quantised(Db8, frameCount: 130, valuesPerFrame); // chunks 0-62, 63-125, 126-129 (partial)
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        using var reader = (await store.OpenReaderAsync(Key, blob.Header.Descriptor))!;

        using (Assert.EnterMultipleScope())
        {
            AssertReadsFrames(reader, blob, (62, 2), (60, 70), (0, 130), (125, 5), (129, 1), (63, 63));

            Assert.That(reader.ReadValue(126, 1024), Is.EqualTo(blob.GetFrame(126)[1024]));
            Assert.That(new FileInfo(store.GetBlobPath(Key, blob.Header.Descriptor)).Length, Is.EqualTo(8 + (130 * 1025) + (3 * 16) + 141 + 32), "values, index, header (no parameters, dB8 trailer), footer");
        }
    }

    [Test]
    public async Task MappedReader_OneByteValues_StraddleTheFirstChunkOf65536Frames()
    {
        var blob = Quantised(Db8, frameCount: 65536 + 3, valuesPerFrame: 1);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        using var reader = (await store.OpenReaderAsync(Key, blob.Header.Descriptor))!;
        var frames = new float[6];
        reader.ReadFrames(65533, frames);
        var bytes = await File.ReadAllBytesAsync(store.GetBlobPath(Key, blob.Header.Descriptor));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frames, Is.EqualTo(blob.Values.Slice(65533, 6).ToArray()));
            Assert.That(V3Bytes.ChunkCount(bytes), Is.EqualTo(2));
            Assert.That(bytes, Has.Length.EqualTo(8 + 65539 + (2 * 16) + 141 + 32));
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task CorruptEncodedChunk_ThatChunkThrowsNamingIt_OthersRead(int chunk)
    {
        const int valuesPerFrame = 1025;
        var blob = Quantised(Db8, frameCount: 130, valuesPerFrame);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        var path = store.GetBlobPath(Key, blob.Header.Descriptor);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[FeatureBlobFormat.PreambleLength + (chunk * 63 * valuesPerFrame) + 5] ^= 0x10;
        await File.WriteAllBytesAsync(path, bytes);

        using var reader = (await store.OpenReaderAsync(Key, blob.Header.Descriptor))!;
        var failed = Assert.Throws<CorruptFeatureBlobException>(() => reader.ReadValue(chunk * 63, 0));
        var whole = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));
        var offset = 8 + (chunk * 63 * valuesPerFrame);
        var length = (chunk == 2 ? 4 : 63) * valuesPerFrame;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
            Assert.That(failed.Detail, Does.StartWith($"chunk {chunk} of 3 (frames {chunk * 63}…{Math.Min((chunk * 63) + 62, 129)}, bytes {offset}…{offset + length - 1})"));
            Assert.That(whole!.Detail, Does.StartWith($"chunk {chunk} of 3"));
            Assert.That(reader.ReadValue(0, 3), Is.EqualTo(blob.GetFrame(0)[3]), "the other chunks still read");
        }
    }

    public static IEnumerable<TestCaseData> HeaderCorruptions()
    {
        // Each edit keeps the footer's checksum intact, so the header itself is what the reader rejects.
        yield return Case("unknown encoding id 4", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b)), 4), FeatureBlobCorruption.InvalidHeader, "its value encoding is 4; this library reads 0 (float32), 1 (float16), 2 (dB16) and 3 (dB8)");
        yield return Case("dB8 blob relabelled float32", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b)), 0), FeatureBlobCorruption.InvalidHeader, "bytes left for the time written, encoding 0 and its fields, not 14");
        yield return Case("dB8 blob relabelled dB16", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b)), 2), FeatureBlobCorruption.ValueCountMismatch, "frames × 1025 values per frame");
        yield return Case("low = high", b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 6), 0), FeatureBlobCorruption.InvalidHeader, "its value encoding is invalid: The level range 0 … 0 dB must be finite with low < high");
        yield return Case("low > high", b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 6), 20), FeatureBlobCorruption.InvalidHeader, "The level range 20 … 0 dB");
        yield return Case("low NaN", b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 6), double.NaN), FeatureBlobCorruption.InvalidHeader, "The level range NaN … 0 dB");
        yield return Case("high infinite", b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 14), double.PositiveInfinity), FeatureBlobCorruption.InvalidHeader, "The level range -100 … Infinity dB");
        yield return Case("level scale 3", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 22), 3), FeatureBlobCorruption.InvalidHeader, "its value encoding is invalid: level scale 3 is not 0 (dB), 1 (amplitude) or 2 (power)");
        yield return Case("frames per chunk 0", b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(V3Bytes.TrailerOffset(b) + 2), 0), FeatureBlobCorruption.InvalidHeader, "0 frames per chunk");

        static TestCaseData Case(string name, Action<byte[]> edit, FeatureBlobCorruption reason, string detail) =>
            new TestCaseData(new Func<byte[], byte[]>(b => V3Bytes.WithFooterChecksum(b, edit)), reason, detail).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(HeaderCorruptions))]
    public async Task CorruptEncodingFields_ThrowTypedNamingTheValue_OnEveryReadPath(Func<byte[], byte[]> corrupt, FeatureBlobCorruption reason, string detail)
    {
        var blob = Quantised(Db8, frameCount: 130, valuesPerFrame: 1025);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        var path = store.GetBlobPath(Key, blob.Header.Descriptor);
        await File.WriteAllBytesAsync(path, corrupt(await File.ReadAllBytesAsync(path)));

        var open = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.OpenReaderAsync(Key, blob.Header.Descriptor));
        var read = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await store.ReadAsync(Key, blob.Header.Descriptor));
        var scanned = await store.ScanAsync().ToListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(open!.Reason, Is.EqualTo(reason));
            Assert.That(open.Detail, Does.Contain(detail));
            Assert.That(read!.Reason, Is.EqualTo(reason));
            Assert.That(scanned.Single().Corruption?.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public async Task FlippedEncodingField_WithoutRepairingTheChecksum_IsAChecksumMismatch()
    {
        var blob = Quantised(Db8, frameCount: 3, valuesPerFrame: 2);
        var bytes = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        bytes[V3Bytes.TrailerOffset(bytes) + 13] ^= 0x01;

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.ReadAsync(new MemoryStream(bytes), "x", CancellationToken.None));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
    }

    [Test]
    public async Task CommitAsync_HeaderEncodingDiffersFromTheWriters_ThrowsOnEveryStore()
    {
        using var folder = new TempFolder();
        IFeatureStore[] stores = [new FileSystemFeatureStore(folder.Path), new InMemoryFeatureStore()];
        foreach (var store in stores)
        {
            await using var writer = await store.BeginWriteAsync(Key, Cache.Descriptors.DescriptorId.Parse("spectrum@L"), 2, 3, FeatureValueEncoding.Float32);
            writer.Append(new float[6]);
            var header = Header(descriptor: "spectrum@L") with { Encoding = Db8 };

            Assert.That(
                async () => await writer.CommitAsync(header),
                Throws.ArgumentException.With.Message.Contains("declares the value encoding db8 (Decibels, -100 … 0 dB), but the writer was begun with float32"),
                store.GetType().Name);
        }
    }

    [Test]
    public void EncodeV2Async_CompactEncoding_Throws()
    {
        Assert.That(
            async () => await FeatureBlobFormat.EncodeV2Async(Quantised(Db8, frameCount: 3, valuesPerFrame: 2), CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("Format version 2 stores float32 values only"));
    }

    [Test]
    public async Task StreamedWrite_WithTheEncoding_EqualsWriteAsync()
    {
        var blob = Quantised(Db8, frameCount: 130, valuesPerFrame: 1025);
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        await store.WriteAsync(blob);
        var written = await File.ReadAllBytesAsync(store.GetBlobPath(Key, blob.Header.Descriptor));
        await using (var writer = await store.BeginWriteAsync(Key, blob.Header.Descriptor, 1025, 130, Db8))
        {
            for (var frame = 0; frame < 130; frame += 7)
            {
                writer.Append(blob.ValueSpan.Slice(frame * 1025, Math.Min(7, 130 - frame) * 1025));
            }

            await writer.CommitAsync(blob.Header);
        }

        Assert.That(await File.ReadAllBytesAsync(store.GetBlobPath(Key, blob.Header.Descriptor)), Is.EqualTo(written));
    }

    /// <summary>A blob of <paramref name="frameCount"/> frames whose values are already quantised to <paramref name="encoding"/>.</summary>
    private static FeatureBlob Quantised(FeatureValueEncoding encoding, int frameCount, int valuesPerFrame)
    {
        var codec = FeatureValueCodec.For(encoding);
        var values = new float[frameCount * valuesPerFrame];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = codec.Quantize(-100f + ((i * 37) % 1000 / 10f));
        }

        return new FeatureBlob(Header(descriptor: "spectrum.db@L", frameCount: frameCount, valuesPerFrame: valuesPerFrame) with { Encoding = encoding }, values);
    }

    private static FeatureBlob WithEncoding(FeatureBlob blob, FeatureValueEncoding encoding, float[] values) =>
        new(blob.Header with { Encoding = encoding }, values);
}
