using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using CsCheck;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureBlobFormatTests
{
    /// <summary>
    /// SHA-256 of the encoding of <see cref="FeatureBlobTestData.Golden"/> (format version 2). If this changes, the stored
    /// format changed: bump the format version and document it in docs/feature-blobs.md instead of updating the constant.
    /// </summary>
    internal const string GoldenSha256 = "aeff383f8eeb3c31aacc0c5b4d92a7cc68db79c8d27b81d979239aa6988c0bf8";

    /// <summary>SHA-256 of the format-version-1 example, <see cref="FeatureBlobTestData.GoldenV1"/> (Fixtures/v1-golden.avcf).</summary>
    internal const string GoldenV1Sha256 = "695150d6bb8f3fd35abeaf6117490f763b79b760270d32059a43d4861d8d59d9";

    /// <summary>The committed version-1 blob: the 139 bytes of <see cref="GoldenV1Hex"/>, as a file.</summary>
    internal static readonly string V1FixturePath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Storage", "Features", "Fixtures", "v1-golden.avcf");

    /// <summary>The default parameters' canonical text, as stored in a version-2 header (docs/profiles.md).</summary>
    internal const string DefaultParametersText =
        "audiovis-profile-v1\nwindow_size=2048\nhop_size=512\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\n"
        + "band_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n";

    /// <summary>The encoding of <see cref="FeatureBlobTestData.Golden"/>, byte by byte (see docs/feature-blobs.md, version 2).</summary>
    private static readonly string GoldenHex =
        "41564346" + "0200" + "1201" // magic "AVCF", version 2, header length 274
        + "0900" + "747261636b2e776176" // "track.wav"
        + "0700" + "64656661756c74" // "default"
        + "0500" + "726d73404c" // "rms@L"
        + "dbc5985cd1954d885231a2e0bce9e84bd9328bc56867ba8e9b4afade358ab5db" // profile revision hash of the default parameters
        + "0800" + "7372632d30303031" // "src-0001"
        + "0400" + "74696d65" // "time"
        + "01000000" + "80bb0000" + "00020000" + "00040000" + "03000000" + "02000000" // version 1, 48000 Hz, hop 512, window 1024, 3 frames, 2 values
        + "a500" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(DefaultParametersText)) // the 165-byte canonical parameters text
        + "00889211374bdf08" // written at 639312372000000000 UTC ticks = 2026-11-25T21:00:00Z
        + "00000000" + "0000003f" + "0000803f" + "000080bf" + "00002040" + "00000080" // 0, 0.5, 1, -1, 2.5, -0
        + "c25ffa22987a79ab"; // XxHash3-64 of the 306 bytes before it

    /// <summary>The version-1 example of docs/feature-blobs.md, byte by byte.</summary>
    private const string GoldenV1Hex =
        "41564346" + "0100" + "6300" // magic "AVCF", version 1, header length 99
        + "0900" + "747261636b2e776176" // "track.wav"
        + "0700" + "64656661756c74" // "default"
        + "0500" + "726d73404c" // "rms@L"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" // profile revision hash
        + "0800" + "7372632d30303031" // "src-0001"
        + "0400" + "74696d65" // "time"
        + "01000000" + "80bb0000" + "00020000" + "00040000" + "03000000" + "02000000" // version 1, 48000 Hz, hop 512, window 1024, 3 frames, 2 values
        + "00000000" + "0000003f" + "0000803f" + "000080bf" + "00002040" + "00000080" // 0, 0.5, 1, -1, 2.5, -0
        + "6a044a7daf5bfa0c"; // XxHash3-64 of the 131 bytes before it

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Test]
    public async Task EncodeV2Async_GoldenBlob_MatchesPinnedBytes()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(GoldenHex));
            Assert.That(Sha256(bytes), Is.EqualTo(GoldenSha256));
        }
    }

    [Test]
    public void V1Fixture_File_IsTheDocumentedVersion1Example()
    {
        var bytes = File.ReadAllBytes(V1FixturePath);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(GoldenV1Hex));
            Assert.That(Sha256(bytes), Is.EqualTo(GoldenV1Sha256));
        }
    }

    [Test]
    public async Task ReadAsync_V1Fixture_ReadsHeaderAndValuesWithoutParametersOrTime()
    {
        await using var stream = File.OpenRead(V1FixturePath);

        var read = await FeatureBlobFormat.ReadAsync(stream, "v1", CancellationToken.None);

        var expected = GoldenV1();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Header.FormatVersion, Is.EqualTo(1));
            Assert.That(read.Header.Parameters, Is.Null);
            Assert.That(read.Header.WrittenAt, Is.Null);
            Assert.That(read.Header.Key, Is.EqualTo(expected.Header.Key));
            Assert.That(read.Header.Descriptor, Is.EqualTo(expected.Header.Descriptor));
            Assert.That(read.Header.ProfileRevisionHash, Is.EqualTo(Revision));
            Assert.That(read.Header.SourceContentHash, Is.EqualTo("src-0001"));
            Assert.That(read.Header.CalculatorId, Is.EqualTo("time"));
            Assert.That(read.Header.CalculatorVersion, Is.EqualTo(1));
            Assert.That((read.Header.SampleRate, read.Header.HopSize, read.Header.WindowSize, read.Header.FrameCount, read.Header.ValuesPerFrame), Is.EqualTo((48000, 512, 1024, 3, 2)));
            Assert.That(Bits(read), Is.EqualTo(Bits(expected)));
        }
    }

    [Test]
    public async Task EncodeV2Async_BlobReadFromV1_WritesVersion2WithUnknownParametersAndTime()
    {
        await using var stream = File.OpenRead(V1FixturePath);
        var v1 = await FeatureBlobFormat.ReadAsync(stream, "v1", CancellationToken.None);

        var bytes = await FeatureBlobFormat.EncodeV2Async(v1, CancellationToken.None);
        using var again = new MemoryStream(bytes);
        var read = await FeatureBlobFormat.ReadAsync(again, "v2", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), Is.EqualTo(2));
            Assert.That(bytes, Has.Length.EqualTo(139 + 10), "v1 plus an empty parameters text (2 bytes) and the time (8 bytes)");
            Assert.That(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 8 - 24 - 8)), Is.EqualTo(-1));
            Assert.That(read.Header.FormatVersion, Is.EqualTo(2));
            Assert.That(read.Header.Parameters, Is.Null);
            Assert.That(read.Header.WrittenAt, Is.Null);
        }
    }

    [Test]
    public async Task ReadAsync_GoldenBlob_RoundTripsParametersAndTime()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        using var stream = new MemoryStream(bytes);

        var read = await FeatureBlobFormat.ReadAsync(stream, "golden", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Header, Is.EqualTo(Golden().Header.WithFormatVersion(2)));
            Assert.That(read.Header.Parameters, Is.EqualTo(AnalysisParameters.Default));
            Assert.That(read.Header.WrittenAt, Is.EqualTo(GoldenWrittenAt));
            Assert.That(read.Header.WrittenAt!.Value.Offset, Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public async Task EncodeV2Async_WrittenAtWithOffset_StoresTheUtcInstant()
    {
        var local = GoldenWrittenAt.ToOffset(TimeSpan.FromHours(5.5));
        var header = Golden().Header;
        var blob = new FeatureBlob(
            new FeatureBlobHeader(
                header.Key, header.Descriptor, header.ProfileRevisionHash, header.SourceContentHash, header.CalculatorId, header.CalculatorVersion,
                header.SampleRate, header.HopSize, header.WindowSize, header.FrameCount, header.ValuesPerFrame, header.Parameters, local),
            Golden().Values.Span);

        var bytes = await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None);

        Assert.That(Sha256(bytes), Is.EqualTo(GoldenSha256));
    }

    [Test]
    public async Task ReadAsync_TimeWrittenOutOfRangeWithIntactChecksum_ThrowsInvalidHeaderNamingIt()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 8 - 24 - 8), -2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash3.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        using var stream = new MemoryStream(bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.ReadAsync(stream, "t", CancellationToken.None));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.InvalidHeader));
        Assert.That(e.Detail, Does.Contain("time written").And.Contain("-2"));
    }

    [Test]
    public async Task ReadAsync_ParametersThatDoNotMatchTheRevisionWithIntactChecksum_ThrowsInvalidHeader()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        var at = Convert.ToHexStringLower(bytes).IndexOf(Convert.ToHexStringLower("fft_size=2048"u8), StringComparison.Ordinal) / 2;
        "fft_size=4096"u8.CopyTo(bytes.AsSpan(at));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash3.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        using var stream = new MemoryStream(bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.ReadAsync(stream, "p", CancellationToken.None));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.InvalidHeader));
        Assert.That(e.Detail, Does.Contain("header").And.Contain("revision"));
    }

    [Test]
    public async Task ReadAsync_ParametersTextNotCanonicalWithIntactChecksum_ThrowsInvalidHeaderNamingIt()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        var at = Convert.ToHexStringLower(bytes).IndexOf(Convert.ToHexStringLower("window=hann"u8), StringComparison.Ordinal) / 2;
        "window=HANN"u8.CopyTo(bytes.AsSpan(at));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash3.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        using var stream = new MemoryStream(bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.ReadAsync(stream, "p", CancellationToken.None));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.InvalidHeader));
        Assert.That(e.Detail, Does.Contain("parameters text").And.Contain("HANN"));
    }

    [Test]
    public void Header_ParametersThatDoNotHashToTheRevision_ThrowsNamingBoth()
    {
        Assert.That(
            () => new FeatureBlobHeader(Key, DescriptorId.Parse("rms"), Revision, "s", "c", 1, 48000, 512, 1024, 1, 1, AnalysisParameters.Default),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters")
                .And.Message.Contains(ProfileRevisionHash.Compute(AnalysisParameters.Default).Short).And.Message.Contains(Revision.Short));
    }

    [Test]
    public async Task EncodeV2Async_SameBlobTwiceAndEqualBlobBuiltAgain_IdenticalBytes()
    {
        var blob = Blob(descriptor: "spectrum.bands32@R", frameCount: 100, valuesPerFrame: 32, seed: 3);

        var first = await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None);
        var second = await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None);
        var rebuilt = await FeatureBlobFormat.EncodeV2Async(
            Blob(descriptor: "spectrum.bands32@R", frameCount: 100, valuesPerFrame: 32, seed: 3), CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(rebuilt, Is.EqualTo(first));
    }

    [Test]
    public async Task EncodeV2Async_FollowsTheDocumentedLayout()
    {
        // An independent reading of the layout in docs/feature-blobs.md.
        var blob = Golden();
        var bytes = await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None);
        var at = 0;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.ASCII.GetString(bytes, 0, 4), Is.EqualTo("AVCF"));
            Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), Is.EqualTo(2));
            var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
            at = 8;
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("track.wav"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("default"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("rms@L"));
            Assert.That(Convert.ToHexStringLower(bytes, at, 32), Is.EqualTo(ProfileRevisionHash.Compute(AnalysisParameters.Default).Value));
            at += 32;
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("src-0001"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("time"));
            int[] ints = [.. Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + (4 * i))))];
            Assert.That(ints, Is.EqualTo(new[] { 1, 48000, 512, 1024, 3, 2 }));
            at += 24;
            Assert.That(ReadString(bytes, ref at), Is.EqualTo(DefaultParametersText));
            Assert.That(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)), Is.EqualTo(GoldenWrittenAt.UtcTicks).And.EqualTo(639_312_372_000_000_000));
            at += 8;
            Assert.That(at, Is.EqualTo(8 + headerLength));
            float[] values = [.. Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + (4 * i))))];
            Assert.That(values.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(Bits(blob)));
            at += 24;
            Assert.That(bytes, Has.Length.EqualTo(at + 8));
            Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)), Is.EqualTo(XxHash3.HashToUInt64(bytes.AsSpan(0, at))));
        }
    }

    [Test]
    public async Task ReadAsync_EncodedBlob_RoundTrips()
    {
        var blob = Blob(descriptor: "mfcc@ch12", frameCount: 40000, valuesPerFrame: 13, seed: 0.5f);
        var bytes = await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None);
        using var stream = new MemoryStream(bytes);

        var read = await FeatureBlobFormat.ReadAsync(stream, "test", CancellationToken.None);

        Assert.That(read.Header, Is.EqualTo(blob.Header.WithFormatVersion(2)));
        Assert.That(Bits(read), Is.EqualTo(Bits(blob)));
    }

    [Test]
    public void EncodeThenRead_AnyBlob_RoundTripsBitExactAndEncodesDeterministically()
    {
        var trackRefs = Gen.Char["ab/\\:?#%. é曲🎵"].Array[1, 60].Select(c => new string(c)).Where(t => !string.IsNullOrWhiteSpace(t) && !HasLoneSurrogate(t));
        var descriptors = Gen.OneOf("rms", "rms@L", "rms@R", "spectrum.bands32@mid", "mfcc@ch7", "onset.strength@side");
        var blobs =
            from trackRef in trackRefs
            from descriptor in descriptors
            from frames in Gen.Int[0, 20]
            from width in Gen.Int[1, 8]
            from bits in Gen.Int.Array[frames * width]
            from hop in Gen.Int[1, 4096]
            from window in Gen.Int[1, 8192]
            select new FeatureBlob(
                Header(key: new CacheKey(trackRef, "p-1"), descriptor: descriptor, hopSize: hop, windowSize: window, frameCount: frames, valuesPerFrame: width),
                [.. bits.Select(BitConverter.Int32BitsToSingle)]);

        blobs.Sample(blob =>
        {
            var bytes = FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var again = FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            using var stream = new MemoryStream(bytes);
            var read = FeatureBlobFormat.ReadAsync(stream, "property", CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return bytes.AsSpan().SequenceEqual(again) && read.Header.Equals(blob.Header.WithFormatVersion(2)) && Bits(read).SequenceEqual(Bits(blob));
        });

        static bool HasLoneSurrogate(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return true;
                }
            }

            return false;
        }
    }

    [Test]
    public void EncodeAsync_TrackRefWithLoneSurrogate_ThrowsArgumentExceptionNamingIt()
    {
        var blob = Blob(key: new CacheKey("bad\uD800.wav", "default"));

        Assert.That(
            async () => await FeatureBlobFormat.EncodeV2Async(blob, CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("lone surrogate").And.Message.Contains("bad"));
    }

    [Test]
    public async Task ReadAsync_StreamEndsBeforeItsLength_ThrowsTruncated()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        using var stream = new ShrinkingStream(bytes);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.ReadAsync(stream, "shrinking", CancellationToken.None));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.Truncated));
        Assert.That(e.Message, Does.Contain("shrinking").And.Contain("ended early"));
    }

    private static string ReadString(byte[] bytes, ref int at)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
        var text = Encoding.UTF8.GetString(bytes, at + 2, length);
        at += 2 + length;
        return text;
    }

    /// <summary>A stream that reports 16 bytes more than it holds, like a file cut short while it is read.</summary>
    private sealed class ShrinkingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override long Length => base.Length + 16;
    }
    [Test]
    public async Task CheckStructureAsync_SoundBlob_ReturnsTheHeaderAfterReadingOnlyThePreambleAndHeader()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        using var stream = new MemoryStream(bytes, writable: false);

        var header = await FeatureBlobFormat.CheckStructureAsync(stream, "memory:golden", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(header, Is.EqualTo(Golden().Header.WithFormatVersion(2)));
            Assert.That(stream.Position, Is.LessThan(bytes.Length - (4L * Golden().Header.FrameCount * Golden().Header.ValuesPerFrame)), "the values are not read");
        });
    }

    [Test]
    public async Task CheckStructureAsync_FlippedValueBit_IsNotFound_ButVerifyAsyncFindsIt()
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        bytes[^(FeatureBlobFormat.ChecksumLength + 1)] ^= 0x10;

        var header = await FeatureBlobFormat.CheckStructureAsync(new MemoryStream(bytes), "memory:golden", CancellationToken.None);
        var ex = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.VerifyAsync(new MemoryStream(bytes), "memory:golden", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(header.Descriptor, Is.EqualTo(Golden().Header.Descriptor));
            Assert.That(ex?.Reason, Is.EqualTo(FeatureBlobCorruption.ChecksumMismatch));
        });
    }

    [TestCase(4, FeatureBlobCorruption.Truncated)]
    [TestCase(-4, FeatureBlobCorruption.ChecksumMismatch)]
    public async Task CheckStructureAsync_LengthDisagreesWithTheHeader_Throws(int cut, FeatureBlobCorruption expected)
    {
        var bytes = await FeatureBlobFormat.EncodeV2Async(Golden(), CancellationToken.None);
        byte[] changed = cut > 0 ? bytes[..^cut] : [.. bytes, .. new byte[-cut]];

        var ex = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await FeatureBlobFormat.CheckStructureAsync(new MemoryStream(changed), "memory:golden", CancellationToken.None));

        Assert.That(ex?.Reason, Is.EqualTo(expected));
    }
}
