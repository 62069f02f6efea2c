using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Encodes and verifies feature blobs (specified byte by byte in docs/feature-blobs.md): <c>"AVCF"</c>, u16 version,
/// u16 header length, the header, float32 values, XxHash3-64 of everything before it. All integers and floats are
/// little-endian; strings are u16-length-prefixed UTF-8. Reads versions 1, 2 and 3; the store writes version 3, the chunked
/// format of <c>FeatureBlobFormat.V3.cs</c>. The version-2 encoder is kept for tests and tools that need a version-2 blob.
/// Equal blobs encode to equal bytes.
/// </summary>
internal static partial class FeatureBlobFormat
{
    /// <summary>The file name extension of a stored blob.</summary>
    public const string FileExtension = ".avcf";

    /// <summary>Magic (4) + format version (2) + header length (2).</summary>
    public const int PreambleLength = 8;

    /// <summary>The XxHash3-64 checksum at the end.</summary>
    public const int ChecksumLength = 8;

    /// <summary>Version 1: five u16 string lengths (all strings empty), the 32-byte revision hash and six i32 fields.</summary>
    public const int MinHeaderLengthV1 = (5 * 2) + 32 + (6 * 4);

    /// <summary>Version 2: version 1, then the u16 length of the parameters text (empty) and the i64 time written.</summary>
    public const int MinHeaderLength = MinHeaderLengthV1 + 2 + 8;

    /// <summary>The shortest possible version-1 blob.</summary>
    public const int MinLengthV1 = PreambleLength + MinHeaderLengthV1 + ChecksumLength;

    /// <summary>The shortest possible version-2 blob.</summary>
    public const int MinLength = PreambleLength + MinHeaderLength + ChecksumLength;

    /// <summary>The stored time written when it is unknown.</summary>
    public const long UnknownWrittenAtTicks = -1;

    /// <summary>The largest number of values a version-1 or version-2 blob may hold: 2^28 (version 3 has no such limit).</summary>
    public const int MaxValueCountV2 = 1 << 28;

    private const int RevisionHashLength = 32;
    private const int ChunkBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Gets the four magic bytes, ASCII <c>AVCF</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "AVCF"u8;

    /// <summary>Encodes a blob in format version 2 (no longer written by the stores; readers still accept it).</summary>
    /// <exception cref="ArgumentException">A header string cannot be encoded (a lone surrogate), the header is too long, or the blob has a compact value encoding (version 2 stores float32 only).</exception>
    public static async ValueTask<byte[]> EncodeV2Async(FeatureBlob blob, CancellationToken cancellationToken)
    {
        if (blob.Header.Encoding.Kind != FeatureEncodingKind.Float32)
        {
            throw new ArgumentException($"Format version 2 stores float32 values only; {blob.Header.Descriptor} for {blob.Header.Key} is {blob.Header.Encoding}.", nameof(blob));
        }

        var head = EncodeHeader(blob.Header);
        var bytes = new byte[checked(head.Length + (sizeof(float) * blob.Header.ValueCount) + ChecksumLength)];
        using var stream = new MemoryStream(bytes);
        await WriteV2Async(head, blob, stream, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    private static async ValueTask WriteV2Async(byte[] head, FeatureBlob blob, Stream destination, CancellationToken cancellationToken)
    {
        var hasher = new XxHash3();
        hasher.Append(head);
        await destination.WriteAsync(head, cancellationToken).ConfigureAwait(false);

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var values = blob.Values;
            const int chunkValues = ChunkBytes / sizeof(float);
            for (var offset = 0; offset < values.Length; offset += chunkValues)
            {
                var count = Math.Min(chunkValues, values.Length - offset);
                var bytes = buffer.AsMemory(0, count * sizeof(float));
                WriteLittleEndian(values.Span.Slice(offset, count), bytes.Span);
                hasher.Append(bytes.Span);
                await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(buffer, hasher.GetCurrentHashAsUInt64());
            await destination.WriteAsync(buffer.AsMemory(0, ChecksumLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads and verifies a blob from a seekable stream positioned at its start and holding nothing else.
    /// Reads the values once, straight into the blob's array, checksumming chunk by chunk.
    /// </summary>
    /// <exception cref="CorruptFeatureBlobException">The bytes are not a valid blob; the message names <paramref name="location"/> and the problem.</exception>
    public static async ValueTask<FeatureBlob> ReadAsync(Stream source, string location, CancellationToken cancellationToken) =>
        (await ReadOrVerifyAsync(source, location, keepValues: true, cancellationToken).ConfigureAwait(false)).Blob!;

    /// <summary>
    /// Verifies a blob exactly as <see cref="ReadAsync"/> does (the whole blob is read and checksummed) but keeps only
    /// its header: the values go through a pooled buffer, so verifying a large blob allocates almost nothing.
    /// </summary>
    /// <exception cref="CorruptFeatureBlobException">The bytes are not a valid blob; the message names <paramref name="location"/> and the problem.</exception>
    public static async ValueTask<FeatureBlobHeader> VerifyAsync(Stream source, string location, CancellationToken cancellationToken) =>
        (await ReadOrVerifyAsync(source, location, keepValues: false, cancellationToken).ConfigureAwait(false)).Header;

    private static async ValueTask<(FeatureBlobHeader Header, FeatureBlob? Blob)> ReadOrVerifyAsync(
        Stream source, string location, bool keepValues, CancellationToken cancellationToken)
    {
        var length = source.Length;
        try
        {
            if (await IsVersion3Async(source, length, cancellationToken).ConfigureAwait(false))
            {
                return await ReadV3Async(source, location, length, keepValues ? V3Read.Values : V3Read.Verify, cancellationToken).ConfigureAwait(false);
            }

            return await ReadCoreAsync(source, location, length, keepValues, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            // Only when another process cuts the file short while it is being read.
            throw new CorruptFeatureBlobException(
                location, FeatureBlobCorruption.Truncated, $"the blob was {length} bytes long when opened but ended early while it was read.", e);
        }
    }

    /// <summary>
    /// Checks a blob's structure without reading its values: magic, version, header, and that the stream's length is the one
    /// the header declares. Catches a blob cut short, replaced or grown, but not changed values (only the checksum does; see
    /// <see cref="VerifyAsync"/>). Reads the preamble and header only, unless the structure is wrong (then it also checksums
    /// the blob to say whether the bytes were damaged or written wrong).
    /// </summary>
    /// <exception cref="CorruptFeatureBlobException">The structure is not a valid blob's; the message names <paramref name="location"/> and the problem.</exception>
    public static async ValueTask<FeatureBlobHeader> CheckStructureAsync(Stream source, string location, CancellationToken cancellationToken)
    {
        var length = source.Length;
        try
        {
            if (await IsVersion3Async(source, length, cancellationToken).ConfigureAwait(false))
            {
                return (await ReadV3Async(source, location, length, V3Read.Structure, cancellationToken).ConfigureAwait(false)).Header;
            }

            var (_, _, raw, _) = await ReadStructureAsync(source, location, length, cancellationToken).ConfigureAwait(false);
            return raw.ToHeader(location);
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptFeatureBlobException(
                location, FeatureBlobCorruption.Truncated, $"the blob was {length} bytes long when opened but ended early while it was read.", e);
        }
    }

    private static async ValueTask<(FeatureBlobHeader Header, FeatureBlob? Blob)> ReadCoreAsync(
        Stream source, string location, long length, bool keepValues, CancellationToken cancellationToken)
    {
        var (preamble, header, raw, valueCount) = await ReadStructureAsync(source, location, length, cancellationToken).ConfigureAwait(false);
        var hasher = new XxHash3();
        hasher.Append(preamble);
        hasher.Append(header);
        var values = keepValues ? new float[valueCount] : [];
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            const int chunkValues = ChunkBytes / sizeof(float);
            for (var offset = 0L; offset < valueCount; offset += chunkValues)
            {
                var count = (int)Math.Min(chunkValues, valueCount - offset);
                var bytes = buffer.AsMemory(0, count * sizeof(float));
                await source.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
                hasher.Append(bytes.Span);
                if (keepValues)
                {
                    ReadLittleEndian(bytes.Span, values.AsSpan((int)offset, count));
                }
            }

            await source.ReadExactlyAsync(buffer.AsMemory(0, ChecksumLength), cancellationToken).ConfigureAwait(false);
            var stored = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
            var computed = hasher.GetCurrentHashAsUInt64();
            if (stored != computed)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.ChecksumMismatch,
                    $"the stored checksum is {Hex(stored)} but the {length - ChecksumLength} bytes before it hash to {Hex(computed)} (XxHash3-64).");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var parsed = raw.ToHeader(location);
        return (parsed, keepValues ? FeatureBlob.CreateOwned(parsed, values) : null);
    }

    /// <summary>Reads and checks the preamble and header, and the length they declare; the stream is left at the first value.</summary>
    private static async ValueTask<(byte[] Preamble, byte[] Header, RawHeader Raw, long ValueCount)> ReadStructureAsync(
        Stream source, string location, long length, CancellationToken cancellationToken)
    {
        var preamble = new byte[PreambleLength];
        var preambleRead = (int)Math.Min(length, PreambleLength);
        await source.ReadExactlyAsync(preamble.AsMemory(0, preambleRead), cancellationToken).ConfigureAwait(false);
        CheckPreamble(preamble.AsSpan(0, preambleRead), length, location);

        var version = BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(4));
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(6));
        if (PreambleLength + headerLength + ChecksumLength > length)
        {
            throw await DiagnoseAsync(
                source, location, length, PreambleLength + headerLength + ChecksumLength,
                $"its header length field says {headerLength} bytes", FeatureBlobCorruption.InvalidHeader, cancellationToken).ConfigureAwait(false);
        }

        var header = new byte[headerLength];
        await source.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        if (!RawHeader.TryParse(header, version, out var raw, out var headerProblem))
        {
            throw await DiagnoseAsync(
                source, location, length, declaredLength: null, headerProblem, FeatureBlobCorruption.InvalidHeader, cancellationToken).ConfigureAwait(false);
        }

        var valueCount = (long)raw.FrameCount * raw.ValuesPerFrame;
        if (raw.FrameCount < 0 || raw.ValuesPerFrame < 1 || valueCount > MaxValueCountV2)
        {
            throw await DiagnoseAsync(
                source, location, length, declaredLength: null,
                $"its header declares {raw.FrameCount} frames × {raw.ValuesPerFrame} values per frame, outside 0…{MaxValueCountV2} values",
                FeatureBlobCorruption.InvalidHeader, cancellationToken).ConfigureAwait(false);
        }

        var declaredLength = PreambleLength + headerLength + (4 * valueCount) + ChecksumLength;
        if (declaredLength != length)
        {
            throw await DiagnoseAsync(
                source, location, length, declaredLength,
                $"its header declares {raw.FrameCount} frames × {raw.ValuesPerFrame} values per frame = {valueCount} values",
                FeatureBlobCorruption.ValueCountMismatch, cancellationToken).ConfigureAwait(false);
        }

        return (preamble, header, raw, valueCount);
    }

    private static void CheckPreamble(ReadOnlySpan<byte> preamble, long length, string location)
    {
        if (preamble.Length >= Magic.Length && !preamble[..Magic.Length].SequenceEqual(Magic))
        {
            throw new CorruptFeatureBlobException(
                location,
                FeatureBlobCorruption.BadMagic,
                $"it starts with the bytes {Convert.ToHexString(preamble[..Magic.Length])}, not the magic 41564346 (\"AVCF\").");
        }

        var minLength = MinLength;
        if (preamble.Length >= 6)
        {
            var version = BinaryPrimitives.ReadUInt16LittleEndian(preamble[4..]);
            if (version is not (1 or 2 or FeatureBlobHeader.CurrentFormatVersion))
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.UnsupportedVersion,
                    $"its format version is {version}; this library reads versions 1, 2 and {FeatureBlobHeader.CurrentFormatVersion}.");
            }

            minLength = version switch { 1 => MinLengthV1, 2 => MinLength, _ => MinLengthV3 };
        }

        if (length < minLength)
        {
            throw new CorruptFeatureBlobException(
                location,
                FeatureBlobCorruption.Truncated,
                length == 0
                    ? $"the blob is empty (0 bytes); a feature blob has at least {MinLengthV1} bytes."
                    : $"the blob is {length} bytes long; a feature blob of this version has at least {minLength} bytes.");
        }
    }

    /// <summary>
    /// Explains a structural problem: when the checksum over the bytes actually stored is intact, the writer produced
    /// them and the structure is at fault; otherwise the bytes were damaged (cut short, or changed).
    /// </summary>
    private static async ValueTask<CorruptFeatureBlobException> DiagnoseAsync(
        Stream source,
        string location,
        long length,
        long? declaredLength,
        string problem,
        FeatureBlobCorruption reasonWhenIntact,
        CancellationToken cancellationToken)
    {
        if (await IsChecksumIntactAsync(source, length, cancellationToken).ConfigureAwait(false))
        {
            var declared = declaredLength is { } d ? $" ({d} bytes in all)" : string.Empty;
            return new CorruptFeatureBlobException(
                location,
                reasonWhenIntact,
                $"{problem}{declared}, which does not fit the {length} bytes stored; the checksum is intact, so the blob was written inconsistently.");
        }

        if (declaredLength is { } expected && expected > length)
        {
            return new CorruptFeatureBlobException(
                location,
                FeatureBlobCorruption.Truncated,
                $"{problem}, so the blob should be {expected} bytes long, but it is {length}; the checksum does not match either.");
        }

        var lengths = declaredLength is { } all ? $" ({all} bytes in all, but the blob is {length} bytes long)" : string.Empty;
        return new CorruptFeatureBlobException(
            location,
            FeatureBlobCorruption.ChecksumMismatch,
            $"{problem}{lengths}, and the checksum over the stored bytes does not match.");
    }

    private static async ValueTask<bool> IsChecksumIntactAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        if (length < PreambleLength + ChecksumLength)
        {
            return false;
        }

        source.Position = 0;
        var hasher = new XxHash3();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (var remaining = length - ChecksumLength; remaining > 0;)
            {
                var count = (int)Math.Min(ChunkBytes, remaining);
                await source.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                hasher.Append(buffer.AsSpan(0, count));
                remaining -= count;
            }

            await source.ReadExactlyAsync(buffer.AsMemory(0, ChecksumLength), cancellationToken).ConfigureAwait(false);
            return BinaryPrimitives.ReadUInt64LittleEndian(buffer) == hasher.GetCurrentHashAsUInt64();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static byte[] EncodeHeader(FeatureBlobHeader header)
    {
        var body = EncodeHeaderBody(header, trailerLength: 0, out _);
        var bytes = new byte[PreambleLength + body.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)body.Length);
        body.CopyTo(bytes, PreambleLength);
        return bytes;
    }

    /// <summary>
    /// The header fields shared by versions 2 and 3 (track … time written), followed by <paramref name="trailerLength"/>
    /// zero bytes for the caller to fill (version 3: encoding, frames per chunk and the encoding's fields); <paramref name="trailerAt"/> is where they start.
    /// </summary>
    private static byte[] EncodeHeaderBody(FeatureBlobHeader header, int trailerLength, out int trailerAt)
    {
        var track = Utf8(header.Key.TrackRef, "track reference", nameof(header));
        var profile = Utf8(header.Key.AnalysisProfileId, "analysis profile id", nameof(header));
        var descriptor = Utf8(header.Descriptor.ToString(), "descriptor id", nameof(header));
        var source = Utf8(header.SourceContentHash, "source content hash", nameof(header));
        var calculator = Utf8(header.CalculatorId, "calculator id", nameof(header));
        var parameters = header.Parameters is { } p ? Utf8(p.ToCanonicalText(), "parameters text", nameof(header)) : [];
        var headerLength = MinHeaderLength + trailerLength + track.Length + profile.Length + descriptor.Length + source.Length + calculator.Length + parameters.Length;
        if (headerLength > ushort.MaxValue)
        {
            throw new ArgumentException(
                $"The header of {header.Descriptor} for {header.Key} encodes to {headerLength} bytes; at most {ushort.MaxValue} fit.", nameof(header));
        }

        var bytes = new byte[headerLength];
        var span = bytes.AsSpan();
        var at = 0;
        WriteString(span, ref at, track);
        WriteString(span, ref at, profile);
        WriteString(span, ref at, descriptor);
        Convert.FromHexString(header.ProfileRevisionHash.Value).CopyTo(span[at..]);
        at += RevisionHashLength;
        WriteString(span, ref at, source);
        WriteString(span, ref at, calculator);
        foreach (var value in (ReadOnlySpan<int>)[header.CalculatorVersion, header.SampleRate, header.HopSize, header.WindowSize, header.FrameCount, header.ValuesPerFrame])
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
            at += sizeof(int);
        }

        WriteString(span, ref at, parameters);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], header.WrittenAt is { } writtenAt ? writtenAt.UtcTicks : UnknownWrittenAtTicks);
        trailerAt = at + sizeof(long);
        return bytes;
    }

    private static byte[] Utf8(string value, string what, string paramName)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The {what} '{value}' is not valid UTF-16 (it holds a lone surrogate) and cannot be stored.", paramName, e);
        }
    }

    private static void WriteString(Span<byte> span, ref int at, byte[] utf8)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)utf8.Length);
        utf8.CopyTo(span[(at + 2)..]);
        at += 2 + utf8.Length;
    }

    private static void WriteLittleEndian(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
        }
    }

    private static void ReadLittleEndian(ReadOnlySpan<byte> source, Span<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values));
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }

    private const long MaxTicks = 3_155_378_975_999_999_999; // DateTime.MaxValue.Ticks

    private static string Hex(ulong value) => "0x" + value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The header fields as stored, before validation.</summary>
    private struct RawHeader
    {
        private readonly byte[] _track;
        private readonly byte[] _profile;
        private readonly byte[] _descriptor;
        private readonly byte[] _revision;
        private readonly byte[] _source;
        private readonly byte[] _calculator;
        private readonly byte[]? _parameters;
        private double _low;
        private double _high;
        private ushort _scale;

        private RawHeader(
            int version, byte[] track, byte[] profile, byte[] descriptor, byte[] revision, byte[] source, byte[] calculator, ReadOnlySpan<byte> ints, byte[]? parameters, long writtenAtTicks)
        {
            Version = version;
            _parameters = parameters;
            WrittenAtTicks = writtenAtTicks;
            _track = track;
            _profile = profile;
            _descriptor = descriptor;
            _revision = revision;
            _source = source;
            _calculator = calculator;
            CalculatorVersion = BinaryPrimitives.ReadInt32LittleEndian(ints);
            SampleRate = BinaryPrimitives.ReadInt32LittleEndian(ints[4..]);
            HopSize = BinaryPrimitives.ReadInt32LittleEndian(ints[8..]);
            WindowSize = BinaryPrimitives.ReadInt32LittleEndian(ints[12..]);
            FrameCount = BinaryPrimitives.ReadInt32LittleEndian(ints[16..]);
            ValuesPerFrame = BinaryPrimitives.ReadInt32LittleEndian(ints[20..]);
        }

        public int CalculatorVersion { get; }

        public int SampleRate { get; }

        public int HopSize { get; }

        public int WindowSize { get; }

        public int FrameCount { get; }

        public int ValuesPerFrame { get; }

        public int Version { get; }

        public long WrittenAtTicks { get; }

        /// <summary>Gets the value encoding (version 3; 0 before).</summary>
        public ushort Encoding { get; private set; }

        /// <summary>Gets the frames per chunk (version 3; 0 before).</summary>
        public int FramesPerChunk { get; private set; }

        public static bool TryParse(ReadOnlySpan<byte> header, int version, out RawHeader raw, out string problem)
        {
            raw = default;
            var at = 0;
            if (!TryReadString(header, ref at, "track reference", out var track, out problem) ||
                !TryReadString(header, ref at, "analysis profile id", out var profile, out problem) ||
                !TryReadString(header, ref at, "descriptor id", out var descriptor, out problem))
            {
                return false;
            }

            if (header.Length - at < RevisionHashLength)
            {
                problem = $"its {header.Length}-byte header ends inside the profile revision hash at byte {at}";
                return false;
            }

            var revision = header.Slice(at, RevisionHashLength).ToArray();
            at += RevisionHashLength;
            if (!TryReadString(header, ref at, "source content hash", out var source, out problem) ||
                !TryReadString(header, ref at, "calculator id", out var calculator, out problem))
            {
                return false;
            }

            if (version == 1)
            {
                if (header.Length - at != 6 * sizeof(int))
                {
                    problem = $"its {header.Length}-byte header has {header.Length - at} bytes left for the six 4-byte integer fields, not 24";
                    return false;
                }

                raw = new RawHeader(version, track, profile, descriptor, revision, source, calculator, header[at..], null, UnknownWrittenAtTicks);
                return true;
            }

            if (header.Length - at < 6 * sizeof(int))
            {
                problem = $"its {header.Length}-byte header has {header.Length - at} bytes left for the six 4-byte integer fields, fewer than 24";
                return false;
            }

            var ints = header.Slice(at, 6 * sizeof(int));
            at += 6 * sizeof(int);
            if (!TryReadString(header, ref at, "parameters text", out var parameters, out problem))
            {
                return false;
            }

            var trailer = version >= 3 ? V3HeaderTrailerLength : 0;
            var encoding = EncodingFloat32;
            if (trailer > 0 && header.Length - at >= sizeof(long) + trailer)
            {
                encoding = BinaryPrimitives.ReadUInt16LittleEndian(header[(at + sizeof(long))..]);
                if (encoding > EncodingDecibels8)
                {
                    problem = $"its value encoding is {encoding}; this library reads 0 (float32), 1 (float16), 2 (dB16) and 3 (dB8)";
                    return false;
                }

                trailer = GetV3TrailerLength(encoding);
            }

            if (header.Length - at != sizeof(long) + trailer)
            {
                problem = trailer == 0
                    ? $"its {header.Length}-byte header has {header.Length - at} bytes left for the 8-byte time written, not 8"
                    : $"its {header.Length}-byte header has {header.Length - at} bytes left for the time written, encoding {encoding} and its fields, not {sizeof(long) + trailer}";
                return false;
            }

            raw = new RawHeader(
                version, track, profile, descriptor, revision, source, calculator, ints, parameters, BinaryPrimitives.ReadInt64LittleEndian(header[at..]));
            if (trailer > 0)
            {
                var fields = header[(at + sizeof(long))..];
                raw.Encoding = encoding;
                raw.FramesPerChunk = BinaryPrimitives.ReadInt32LittleEndian(fields[2..]);
                if (trailer > V3HeaderTrailerLength)
                {
                    raw._low = BinaryPrimitives.ReadDoubleLittleEndian(fields[V3HeaderTrailerLength..]);
                    raw._high = BinaryPrimitives.ReadDoubleLittleEndian(fields[(V3HeaderTrailerLength + 8)..]);
                    raw._scale = BinaryPrimitives.ReadUInt16LittleEndian(fields[(V3HeaderTrailerLength + 16)..]);
                }
            }

            return true;
        }

        /// <summary>The value encoding the header declares; invalid decibel fields throw <see cref="ArgumentException"/> naming the value.</summary>
        private readonly FeatureValueEncoding GetEncoding() => Encoding switch
        {
            EncodingFloat32 => FeatureValueEncoding.Float32,
            EncodingFloat16 => FeatureValueEncoding.Float16,
            _ when _scale > (ushort)FeatureLevelScale.Power => throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture, $"level scale {_scale} is not 0 (dB), 1 (amplitude) or 2 (power)")),
            _ => FeatureValueEncoding.Decibels((FeatureEncodingKind)Encoding, (FeatureLevelScale)_scale, _low, _high),
        };

        public FeatureBlobHeader ToHeader(string location)
        {
            string field = "track reference";
            try
            {
                var track = StrictUtf8.GetString(_track);
                field = "analysis profile id";
                var profile = StrictUtf8.GetString(_profile);
                field = "descriptor id";
                var descriptorText = StrictUtf8.GetString(_descriptor);
                field = "source content hash";
                var source = StrictUtf8.GetString(_source);
                field = "calculator id";
                var calculator = StrictUtf8.GetString(_calculator);
                field = "descriptor id";
                var descriptor = DescriptorId.Parse(descriptorText);
                if (!string.Equals(descriptor.ToString(), descriptorText, StringComparison.Ordinal))
                {
                    throw new FormatException($"descriptor id '{descriptorText}' is not in canonical form ('{descriptor}')");
                }

                field = "parameters text";
                var parameters = _parameters is { Length: > 0 } ? AnalysisParameters.ParseCanonicalText(StrictUtf8.GetString(_parameters)) : null;
                field = "time written";
                DateTimeOffset? writtenAt = WrittenAtTicks switch
                {
                    UnknownWrittenAtTicks => null,
                    >= 0 and <= MaxTicks => new DateTimeOffset(WrittenAtTicks, TimeSpan.Zero),
                    _ => throw new FormatException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"time written {WrittenAtTicks} is neither -1 (unknown) nor UTC ticks from 0 to {MaxTicks}")),
                };

                field = "value encoding";
                var encoding = GetEncoding();
                field = "header";
                return new FeatureBlobHeader(
                    new CacheKey(track, profile),
                    descriptor,
                    ProfileRevisionHash.Parse(Convert.ToHexStringLower(_revision)),
                    source,
                    calculator,
                    CalculatorVersion,
                    SampleRate,
                    HopSize,
                    WindowSize,
                    FrameCount,
                    ValuesPerFrame,
                    parameters,
                    writtenAt) { Encoding = encoding }.WithFormatVersion(Version);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or DecoderFallbackException)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.InvalidHeader,
                    $"its checksum is intact but its {field} is invalid: {e.Message}",
                    e);
            }
        }

        private static bool TryReadString(ReadOnlySpan<byte> header, ref int at, string what, out byte[] value, out string problem)
        {
            value = [];
            if (header.Length - at < 2)
            {
                problem = $"its {header.Length}-byte header ends before the length of the {what} at byte {at}";
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(header[at..]);
            if (header.Length - at - 2 < length)
            {
                problem = $"its {what} is {length} bytes long, past the end of the {header.Length}-byte header";
                return false;
            }

            value = header.Slice(at + 2, length).ToArray();
            at += 2 + length;
            problem = string.Empty;
            return true;
        }
    }
}
