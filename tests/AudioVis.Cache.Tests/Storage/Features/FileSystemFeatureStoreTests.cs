using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

[TestFixture]
public sealed class FileSystemFeatureStoreTests : FeatureStoreContractTests
{
    private string _root = null!;

    private FileSystemFeatureStore FileStore => (FileSystemFeatureStore)Store;

    public static IEnumerable<TestCaseData> Corruptions()
    {
        // Offsets follow docs/feature-blobs.md, version 3: 8-byte preamble, the values from byte 8, the index, the header,
        // and the 32-byte footer (index offset, chunk count, header length, reserved, checksum).
        yield return Case("flipped value byte", b => b[9] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch, "chunk 0 of 1 (frames 0…2");
        yield return Case("flipped footer checksum byte", b => b[^1] ^= 0x80, FeatureBlobCorruption.ChecksumMismatch, "footer's checksum");
        yield return Case("flipped index checksum byte", b => b[V3Bytes.IndexOffset(b) + 9] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch, "footer's checksum");
        yield return Case("flipped track reference byte", b => b[V3Bytes.HeaderOffset(b) + 2] ^= 0x20, FeatureBlobCorruption.ChecksumMismatch, "footer's checksum");
        yield return Case("flipped frame count byte", b => b[V3Bytes.HeaderIntOffset(b, 4)] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch, "footer's checksum");
        yield return Case("flipped reserved preamble byte", b => b[6] ^= 0x01, FeatureBlobCorruption.ChecksumMismatch, "footer's checksum");
        yield return Case("flipped footer chunk count", b => b[^24] ^= 0x01, FeatureBlobCorruption.Truncated, "does not fit");
        yield return Case("flipped footer header length", b => b[^16] ^= 0x01, FeatureBlobCorruption.Truncated, "does not fit");
        yield return Case("wrong magic", b => b[0] = (byte)'X', FeatureBlobCorruption.BadMagic, "AVCF");
        yield return Case("future version", b => b[4] = 4, FeatureBlobCorruption.UnsupportedVersion, "version is 4");
        yield return Resize("truncated by 5 bytes", b => b[..^5], FeatureBlobCorruption.Truncated, "cut short");
        yield return Resize("truncated inside the values", b => b[..20], FeatureBlobCorruption.Truncated, "bytes long");
        yield return Resize("zero-length file", _ => [], FeatureBlobCorruption.Truncated, "empty (0 bytes)");
        yield return Resize("trailing byte", b => [.. b, 0], FeatureBlobCorruption.Truncated, "does not fit");
        yield return Resize(
            "intact checksum, frame count too high",
            b => V3Bytes.WithFooterChecksum(b, x => BinaryPrimitives.WriteInt32LittleEndian(x.AsSpan(V3Bytes.HeaderIntOffset(x, 4)), 4)),
            FeatureBlobCorruption.ValueCountMismatch,
            "declares 4 frames × 2 values per frame");
        yield return Resize(
            "intact checksum, invalid descriptor id",
            b => V3Bytes.WithFooterChecksum(b, x => x[Array.LastIndexOf(x, (byte)'@') - 1] = (byte)'S'),
            FeatureBlobCorruption.InvalidHeader,
            "descriptor id");
        yield return Resize(
            "intact checksum, zero sample rate",
            b => V3Bytes.WithFooterChecksum(b, x => BinaryPrimitives.WriteInt32LittleEndian(x.AsSpan(V3Bytes.HeaderIntOffset(x, 1)), 0)),
            FeatureBlobCorruption.InvalidHeader,
            "sampleRate");
        yield return Resize(
            "intact checksum, index entry at the wrong offset",
            b => V3Bytes.WithFooterChecksum(b, x => x[V3Bytes.IndexOffset(x)] ^= 0x04),
            FeatureBlobCorruption.InvalidHeader,
            "index entry 0 places chunk 0 at byte 12, not 8");

        static TestCaseData Case(string name, Action<byte[]> mutate, FeatureBlobCorruption reason, string detail) =>
            Resize(name, b => { mutate(b); return b; }, reason, detail);

        static TestCaseData Resize(string name, Func<byte[], byte[]> mutate, FeatureBlobCorruption reason, string detail) =>
            new TestCaseData(mutate, reason, detail).SetArgDisplayNames(name);
    }

    public static IEnumerable<string> HostileTrackRefs() =>
    [
        "../x",
        "../../../../etc/passwd",
        "C:\\a\\b.wav",
        "\\\\server\\share\\track.flac",
        "http://h/a?b=c&d=%2F#frag",
        "/abs/path/with spaces/track.wav",
        "CON",
        "nul.wav",
        ".",
        "..",
        "trailing dot.",
        "  padded  ",
        "Ünïcødé/曲/トラック.flac",
        "e\u0301",
        "\u00e9",
        "🎵🎶.ogg",
        "a*b?c<d>e|f\"g:h",
        new string('x', 1000),
        string.Concat(Enumerable.Repeat("曲", 1024)),
    ];

    [TestCaseSource(nameof(Corruptions))]
    public async Task ReadAsync_CorruptFile_ThrowsNamingFileAndProblem_OtherBlobsStillReadable(
        Func<byte[], byte[]> corrupt, FeatureBlobCorruption reason, string detail)
    {
        var blob = Golden();
        var neighbour = Blob(descriptor: "rms@R", seed: 9);
        await Store.WriteAsync(blob);
        await Store.WriteAsync(neighbour);
        var path = FileStore.GetBlobPath(Key, blob.Header.Descriptor);
        await File.WriteAllBytesAsync(path, corrupt(await File.ReadAllBytesAsync(path)));

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await Store.ReadAsync(Key, blob.Header.Descriptor));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(e!.Reason, Is.EqualTo(reason));
            Assert.That(e.Location, Is.EqualTo(path));
            Assert.That(e.Message, Does.Contain(path).And.Contain(reason.ToString()));
            Assert.That(e.Detail, Does.Contain(detail));
            Assert.That(Bits((await Store.ReadAsync(Key, neighbour.Header.Descriptor))!), Is.EqualTo(Bits(neighbour)));
            Assert.That(File.Exists(path), Is.True, "A corrupt blob is reported, not deleted.");
        }
    }

    [Test]
    public async Task ReadAsync_FileOfAnotherEntry_ThrowsIdentityMismatch()
    {
        var other = Blob(key: new CacheKey("other.wav", "default"));
        await Store.WriteAsync(other);
        var target = FileStore.GetBlobPath(Key, other.Header.Descriptor);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(FileStore.GetBlobPath(other.Header.Key, other.Header.Descriptor), target);

        var e = await Assert.ThrowsAsync<CorruptFeatureBlobException>(async () => await Store.ReadAsync(Key, other.Header.Descriptor));

        Assert.That(e!.Reason, Is.EqualTo(FeatureBlobCorruption.IdentityMismatch));
        Assert.That(e.Message, Does.Contain(target).And.Contain("other.wav"));
    }

    [Test]
    public async Task WriteAsync_StreamFailsMidway_PreviousBlobIntactAndNoTempFile()
    {
        var previous = Blob(seed: 1);
        await Store.WriteAsync(previous);
        var failing = new FileSystemFeatureStore(_root)
        {
            WriteStreamWrapper = inner => new HookStream(inner, onWrite: call =>
            {
                if (call == 1)
                {
                    throw new IOException("Disk full (simulated).");
                }
            }),
        };

        Assert.That(
            async () => await failing.WriteAsync(Blob(frameCount: 20000, seed: 2)),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("Disk full (simulated)."));

        Assert.That(Bits((await Store.ReadAsync(Key, previous.Header.Descriptor))!), Is.EqualTo(Bits(previous)));
        Assert.That(TempFiles(), Is.Empty);
    }

    [Test]
    public async Task WriteAsync_CancelledMidway_PreviousBlobIntactAndNoTempFile()
    {
        var previous = Blob(seed: 1);
        await Store.WriteAsync(previous);
        using var cts = new CancellationTokenSource();
        var cancelling = new FileSystemFeatureStore(_root)
        {
            WriteStreamWrapper = inner => new HookStream(inner, onWrite: call =>
            {
                if (call == 1)
                {
                    cts.Cancel();
                }
            }),
        };

        Assert.That(
            async () => await cancelling.WriteAsync(Blob(frameCount: 20000, seed: 2), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(Bits((await Store.ReadAsync(Key, previous.Header.Descriptor))!), Is.EqualTo(Bits(previous)));
        Assert.That(TempFiles(), Is.Empty);
    }

    [Test]
    public async Task WriteAsync_CancelledAfterFlushBeforeRename_PreviousBlobIntactAndNoTempFile()
    {
        var previous = Blob(seed: 1);
        await Store.WriteAsync(previous);
        using var cts = new CancellationTokenSource();
        string? flushedTemp = null;
        long flushedLength = 0;
        var cancelling = new FileSystemFeatureStore(_root)
        {
            WriteStreamWrapper = inner => new HookStream(inner, onWrite: _ => { }, onFlush: () => cts.Cancel()),
            BeforeCommit = temp =>
            {
                flushedTemp = temp;
                flushedLength = new FileInfo(temp).Length;
            },
        };

        Assert.That(async () => await cancelling.WriteAsync(Blob(seed: 2), cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(flushedTemp, Is.Null, "Cancellation observed after the flush stops the rename.");
        Assert.That(flushedLength, Is.Zero);
        Assert.That(Bits((await Store.ReadAsync(Key, previous.Header.Descriptor))!), Is.EqualTo(Bits(previous)));
        Assert.That(TempFiles(), Is.Empty);
    }

    [Test]
    public async Task WriteAsync_BeforeRename_TempFileIsCompleteAndHiddenFromListing()
    {
        var blob = Blob(seed: 4);
        byte[]? tempBytes = null;
        IReadOnlyList<DescriptorId>? listedDuringWrite = null;
        var observing = new FileSystemFeatureStore(_root)
        {
            BeforeCommit = temp =>
            {
                tempBytes = File.ReadAllBytes(temp);
                listedDuringWrite = Store.ListAsync(Key).AsTask().GetAwaiter().GetResult();
            },
        };

        await observing.WriteAsync(blob);

        Assert.That(tempBytes, Is.EqualTo(await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None)));
        Assert.That(listedDuringWrite, Is.Empty);
        Assert.That(await File.ReadAllBytesAsync(FileStore.GetBlobPath(Key, blob.Header.Descriptor)), Is.EqualTo(tempBytes));
        Assert.That(TempFiles(), Is.Empty);
    }

    [TestCaseSource(nameof(HostileTrackRefs))]
    public async Task WriteAsync_PathHostileTrackRef_RoundTripsInsideTheRoot(string trackRef)
    {
        var key = new CacheKey(trackRef, "default");
        var blob = Blob(key: key, seed: trackRef.Length);

        await Store.WriteAsync(blob);
        var read = await Store.ReadAsync(key, blob.Header.Descriptor);
        var path = FileStore.GetBlobPath(key, blob.Header.Descriptor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read?.Header.Key.TrackRef, Is.EqualTo(trackRef));
            Assert.That(Bits(read!), Is.EqualTo(Bits(blob)));
            Assert.That(Path.GetFullPath(path), Does.StartWith(_root + Path.DirectorySeparatorChar));
            Assert.That(File.Exists(path), Is.True);
            Assert.That(await Store.ListAsync(key), Is.EqualTo(new[] { blob.Header.Descriptor }));
            Assert.That(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToArray(), Is.EqualTo(new[] { path }));
        }
    }

    [Test]
    public void GetBlobPath_LayoutIsPinned()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("track.wav")));

        var path = FileStore.GetBlobPath(Key, DescriptorId.Parse("spectrum.bands32@L"));

        Assert.That(path, Is.EqualTo(Path.Combine(_root, hash[..2], hash, "default", "spectrum.bands32@%4C.avcf")));
    }

    [TestCase("default", "default")]
    [TestCase("HiRes", "%48i%52es")]
    [TestCase("hires", "hires")]
    [TestCase("v1.", "v1%2E")]
    [TestCase("con", "%63on")]
    [TestCase("NUL", "%4E%55%4C")]
    [TestCase("com1.x", "%63om1.x")]
    [TestCase("console", "console")]
    public void GetBlobPath_ProfileSegment_IsSafeOnEveryFileSystem(string profileId, string expectedSegment)
    {
        var path = FileStore.GetBlobPath(new CacheKey("t", profileId), DescriptorId.Parse("rms"));

        Assert.That(Path.GetFileName(Path.GetDirectoryName(path)), Is.EqualTo(expectedSegment));
    }

    [Test]
    public async Task WriteAsync_ProfilesDifferingOnlyInCase_DoNotShareFilesOnCaseInsensitiveFileSystems()
    {
        var lower = Blob(key: new CacheKey("t.wav", "hires"), seed: 1);
        var upper = Blob(key: new CacheKey("t.wav", "HiRes"), seed: 2);
        await Store.WriteAsync(lower);
        await Store.WriteAsync(upper);

        var lowerPath = FileStore.GetBlobPath(lower.Header.Key, lower.Header.Descriptor);
        var upperPath = FileStore.GetBlobPath(upper.Header.Key, upper.Header.Descriptor);

        Assert.That(lowerPath.ToUpperInvariant(), Is.Not.EqualTo(upperPath.ToUpperInvariant()));
        Assert.That(Bits((await Store.ReadAsync(lower.Header.Key, lower.Header.Descriptor))!), Is.EqualTo(Bits(lower)));
        Assert.That(Bits((await Store.ReadAsync(upper.Header.Key, upper.Header.Descriptor))!), Is.EqualTo(Bits(upper)));
    }

    [Test]
    public async Task ListAsync_IgnoresTempForeignAndMisspelledFiles()
    {
        await Store.WriteAsync(Blob(descriptor: "rms@L"));
        var directory = Path.GetDirectoryName(FileStore.GetBlobPath(Key, DescriptorId.Parse("rms@L")))!;
        await File.WriteAllTextAsync(Path.Combine(directory, ".rms@%4C.avcf.0123.tmp"), "partial");
        await File.WriteAllTextAsync(Path.Combine(directory, "notes.txt"), "x");
        await File.WriteAllTextAsync(Path.Combine(directory, "rms@%4c.avcf"), "lower-case escape");
        await File.WriteAllTextAsync(Path.Combine(directory, "rms@mono.avcf"), "non-canonical id");
        await File.WriteAllTextAsync(Path.Combine(directory, "Bad Name.avcf"), "not an id");

        var listed = await Store.ListAsync(Key);

        Assert.That(listed, Is.EqualTo(new[] { DescriptorId.Parse("rms@L") }));
    }

    [Test]
    public async Task WriteAsync_Completed_LeavesNoTempFiles()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.WriteAsync(Blob(seed: i));
        }

        Assert.That(TempFiles(), Is.Empty);
        Assert.That(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ScanAsync_FilesTheStoreNeverWrites_AreIgnored()
    {
        var blob = Golden();
        await Store.WriteAsync(blob);
        var path = FileStore.GetBlobPath(Key, blob.Header.Descriptor);
        var keyDirectory = Path.GetDirectoryName(path)!;
        var trackDirectory = Path.GetDirectoryName(keyDirectory)!;
        var bytes = await File.ReadAllBytesAsync(path);
        var hash = Path.GetFileName(trackDirectory);
        string[] foreign =
        [
            Path.Combine(_root, "notes.txt"),
            Path.Combine(_root, "rms@%4C.avcf"),
            Path.Combine(keyDirectory, ".rms@%4C.avcf.0123456789abcdef0123456789abcdef.tmp"),
            Path.Combine(keyDirectory, "rms@L.avcf"),
            Path.Combine(keyDirectory, "rms@%4C.avcf.bak"),
            Path.Combine(keyDirectory, "readme.md"),
            Path.Combine(trackDirectory, "rms@%4C.avcf"),
            Path.Combine(trackDirectory, "Default", "rms@%4C.avcf"),
            Path.Combine(_root, hash[..2].ToUpperInvariant(), hash.ToUpperInvariant(), "default", "rms@%4C.avcf"),
            Path.Combine(_root, hash[..2], "not-a-hash", "default", "rms@%4C.avcf"),
            Path.Combine(_root, "zz", hash, "default", "rms@%4C.avcf"),
            Path.Combine(_root, "quarantine", hash[..2], hash, "default", "rms@%4C.avcf"),
        ];
        foreach (var file in foreign)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, bytes);
        }

        var entries = await ScanAsync();

        Assert.That(entries.Select(e => e.Location), Is.EqualTo(new[] { path }));
        Assert.That(entries[0].IsCorrupt, Is.False);
    }

    [Test]
    public async Task ScanAsync_ForeignFileUnderABlobName_IsReportedCorrupt()
    {
        var path = FileStore.GetBlobPath(Key, DescriptorId.Parse("rms@L"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "this is not a feature blob, but it is long enough to hold a preamble and a header of the format; it is not one.");

        var entries = await ScanAsync();

        Assert.That(entries, Has.Count.EqualTo(1));
        Assert.That(entries[0].Corruption?.Reason, Is.EqualTo(FeatureBlobCorruption.BadMagic));
        Assert.That(entries[0].Location, Is.EqualTo(path));
    }

    [Test]
    public async Task ScanAsync_BlobUnderAnotherEntrysPath_IsReportedIdentityMismatchNamingWhereItBelongs()
    {
        var other = Blob(key: new CacheKey("other.wav", "default"));
        await Store.WriteAsync(other);
        var source = FileStore.GetBlobPath(other.Header.Key, other.Header.Descriptor);
        var target = FileStore.GetBlobPath(Key, other.Header.Descriptor);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target);

        var entries = await ScanAsync();

        var misplaced = entries.Single(e => e.Location == target);
        Assert.That(misplaced.Corruption?.Reason, Is.EqualTo(FeatureBlobCorruption.IdentityMismatch));
        Assert.That(misplaced.Corruption!.Detail, Does.Contain(source));
        Assert.That(entries.Single(e => e.Location == source).Header, Is.EqualTo(other.Header));
    }

    [Test]
    public async Task ScanAsync_Blob_StoredAtIsTheFileLastWriteTime()
    {
        var blob = Golden();
        await Store.WriteAsync(blob);
        var path = FileStore.GetBlobPath(Key, blob.Header.Descriptor);
        var lastWrite = new DateTime(2024, 3, 1, 12, 30, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, lastWrite);

        var entries = await ScanAsync();

        Assert.That(entries.Single().StoredAt, Is.EqualTo(new DateTimeOffset(lastWrite)));
    }

    [Test]
    public async Task QuarantineAsync_CorruptFile_MovesItUnderQuarantineKeepingItsBytes()
    {
        var blob = Golden();
        await Store.WriteAsync(blob);
        var path = FileStore.GetBlobPath(Key, blob.Header.Descriptor);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^10] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var movedTo = await Store.QuarantineAsync(path);
        await File.WriteAllBytesAsync(path, bytes);
        var movedAgain = await Store.QuarantineAsync(path);

        var expected = Path.Combine(_root, "quarantine", Path.GetRelativePath(_root, path));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(movedTo, Is.EqualTo(expected));
            Assert.That(movedAgain, Is.EqualTo(expected + ".1"), "a second quarantine of the same path never overwrites the first");
            Assert.That(FileStore.QuarantineDirectory, Is.EqualTo(Path.Combine(_root, "quarantine")));
            Assert.That(await File.ReadAllBytesAsync(movedTo!), Is.EqualTo(bytes));
            Assert.That(await File.ReadAllBytesAsync(movedAgain!), Is.EqualTo(bytes));
            Assert.That(File.Exists(path), Is.False);
            Assert.That(await ScanAsync(), Is.Empty);
        }
    }

    [Test]
    public void QuarantineAsync_PathOutsideTheStoreOrInQuarantine_ThrowsNamingIt()
    {
        var hash = new string('a', 64);
        string[] locations =
        [
            Path.Combine(Path.GetTempPath(), "elsewhere.avcf"),
            Path.Combine(_root, "..", "aa", hash, "default", "rms.avcf"),
            Path.Combine(_root, "quarantine", "aa", hash, "default", "rms.avcf"),
            Path.Combine(_root, "aa", hash, "default", "notes.txt"),
            Path.Combine(_root, "aa", hash, "rms.avcf"),
        ];

        using (Assert.EnterMultipleScope())
        {
            foreach (var location in locations)
            {
                Assert.That(
                    async () => await Store.QuarantineAsync(location),
                    Throws.ArgumentException.With.Property("ParamName").EqualTo("location").And.Message.Contains(location),
                    location);
            }
        }
    }

    [Test]
    public void Constructor_EmptyRoot_ThrowsNamingIt()
    {
        Assert.That(() => new FileSystemFeatureStore(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("rootDirectory"));
        Assert.That(() => new FileSystemFeatureStore(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("rootDirectory"));
    }

    protected override IFeatureStore CreateStore()
    {
        _root = Path.Combine(Path.GetTempPath(), "avcache-tests", Guid.NewGuid().ToString("N"));
        return new FileSystemFeatureStore(_root);
    }

    protected override void DestroyStore()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    protected override byte[] GetStoredBytes(CacheKey key, DescriptorId descriptor) =>
        File.ReadAllBytes(FileStore.GetBlobPath(key, descriptor));

    protected override void SetStoredBytes(CacheKey key, DescriptorId descriptor, byte[] bytes)
    {
        var path = FileStore.GetBlobPath(key, descriptor);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private string[] TempFiles() =>
        Directory.Exists(_root) ? Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories) : [];

    /// <summary>Passes writes to an inner stream, calling hooks first.</summary>
    private sealed class HookStream(Stream inner, Action<int> onWrite, Action? onFlush = null) : Stream
    {
        private int _writes;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
            onFlush?.Invoke();
            inner.Flush();
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            onFlush?.Invoke();
            await inner.FlushAsync(cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            onWrite(_writes++);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onWrite(_writes++);
            await inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
