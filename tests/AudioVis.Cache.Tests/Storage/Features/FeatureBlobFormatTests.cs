using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureBlobFormatTests
{
    /// <summary>
    /// SHA-256 of the encoding of <see cref="FeatureBlobTestData.Golden"/>. If this changes, the stored format changed:
    /// bump the format version and document it in docs/feature-blobs.md instead of updating the constant.
    /// </summary>
    internal const string GoldenSha256 = "695150d6bb8f3fd35abeaf6117490f763b79b760270d32059a43d4861d8d59d9";

    /// <summary>The encoding of <see cref="FeatureBlobTestData.Golden"/>, byte by byte (see docs/feature-blobs.md).</summary>
    private const string GoldenHex =
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
    public async Task EncodeAsync_GoldenBlob_MatchesPinnedBytes()
    {
        var bytes = await FeatureBlobFormat.EncodeAsync(Golden(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(GoldenHex));
            Assert.That(Sha256(bytes), Is.EqualTo(GoldenSha256));
        }
    }

    [Test]
    public async Task EncodeAsync_SameBlobTwiceAndEqualBlobBuiltAgain_IdenticalBytes()
    {
        var blob = Blob(descriptor: "spectrum.bands32@R", frameCount: 100, valuesPerFrame: 32, seed: 3);

        var first = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        var second = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        var rebuilt = await FeatureBlobFormat.EncodeAsync(
            Blob(descriptor: "spectrum.bands32@R", frameCount: 100, valuesPerFrame: 32, seed: 3), CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(rebuilt, Is.EqualTo(first));
    }

    [Test]
    public async Task EncodeAsync_FollowsTheDocumentedLayout()
    {
        // An independent reading of the layout in docs/feature-blobs.md.
        var blob = Golden();
        var bytes = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        var at = 0;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.ASCII.GetString(bytes, 0, 4), Is.EqualTo("AVCF"));
            Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), Is.EqualTo(1));
            var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
            at = 8;
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("track.wav"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("default"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("rms@L"));
            Assert.That(Convert.ToHexStringLower(bytes, at, 32), Is.EqualTo(Revision.Value));
            at += 32;
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("src-0001"));
            Assert.That(ReadString(bytes, ref at), Is.EqualTo("time"));
            int[] ints = [.. Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + (4 * i))))];
            Assert.That(ints, Is.EqualTo(new[] { 1, 48000, 512, 1024, 3, 2 }));
            at += 24;
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
        var bytes = await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None);
        using var stream = new MemoryStream(bytes);

        var read = await FeatureBlobFormat.ReadAsync(stream, "test", CancellationToken.None);

        Assert.That(read.Header, Is.EqualTo(blob.Header));
        Assert.That(Bits(read), Is.EqualTo(Bits(blob)));
    }

    [Test]
    public void EncodeAsync_TrackRefWithLoneSurrogate_ThrowsArgumentExceptionNamingIt()
    {
        var blob = Blob(key: new CacheKey("bad\uD800.wav", "default"));

        Assert.That(
            async () => await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("lone surrogate").And.Message.Contains("bad"));
    }

    private static string ReadString(byte[] bytes, ref int at)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
        var text = Encoding.UTF8.GetString(bytes, at + 2, length);
        at += 2 + length;
        return text;
    }
}
