using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Format version 3 (docs/feature-blobs.md, "Binary format, version 3"): an 8-byte preamble, the values in chunks of a
/// fixed number of frames, a chunk index (offset and XxHash3-64 of every chunk), the header, and a 32-byte footer
/// whose checksum covers the preamble, index, header and footer. The header comes after the values so a blob can be
/// written in one pass while they are computed (its source hash and time are known only at the end); the footer at a
/// fixed distance from the end finds it. Any frame is at a computed offset, and each chunk is verified on its own.
/// </summary>
internal static partial class FeatureBlobFormat
{
    /// <summary>Index offset (u64), chunk count (u64), header length (u32), reserved (u32, 0), checksum (u64).</summary>
    public const int V3FooterLength = 32;

    /// <summary>One chunk's offset (u64) and XxHash3-64 (u64).</summary>
    public const int V3IndexEntryLength = 16;

    /// <summary>The v2 header fields, then the value encoding (u16) and the frames per chunk (u32).</summary>
    public const int MinHeaderLengthV3 = MinHeaderLength + V3HeaderTrailerLength;

    /// <summary>The shortest possible version-3 blob: no frames, every string empty.</summary>
    public const int MinLengthV3 = PreambleLength + MinHeaderLengthV3 + V3FooterLength;

    /// <summary>The size a writer aims for per chunk: small enough that verifying one on first touch is cheap (a few µs).</summary>
    public const int TargetChunkBytes = 64 * 1024;

    /// <summary>The largest chunk a reader accepts (one frame may exceed the target; none may exceed this).</summary>
    public const int MaxChunkBytes = 1 << 30;

    /// <summary>The encoding id of little-endian float32 values.</summary>
    public const ushort EncodingFloat32 = 0;

    /// <summary>The encoding id of little-endian float16 values.</summary>
    public const ushort EncodingFloat16 = 1;

    /// <summary>The encoding id of 16-bit decibel codes (then low f64, high f64, level scale u16).</summary>
    public const ushort EncodingDecibels16 = 2;

    /// <summary>The encoding id of 8-bit decibel codes (then low f64, high f64, level scale u16).</summary>
    public const ushort EncodingDecibels8 = 3;

    // Encoding (u16) and frames per chunk (i32); a decibel encoding adds low (f64), high (f64) and the level scale (u16).
    private const int V3HeaderTrailerLength = 2 + 4;
    private const int V3DecibelFieldsLength = 8 + 8 + 2;

    /// <summary>How much of a version-3 blob <see cref="ReadV3Async"/> reads.</summary>
    private enum V3Read
    {
        /// <summary>Preamble, footer, index and header.</summary>
        Structure,

        /// <summary>Everything, checksumming each chunk, keeping nothing.</summary>
        Verify,

        /// <summary>Everything, into the blob's array.</summary>
        Values,
    }

    /// <summary>
    /// The frames per chunk a writer uses for <paramref name="valuesPerFrame"/> values of <paramref name="bytesPerValue"/>
    /// bytes: about 64 KiB per chunk, at least one frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">One frame alone is larger than <see cref="MaxChunkBytes"/>.</exception>
    public static int GetFramesPerChunk(int valuesPerFrame, int bytesPerValue = sizeof(float))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerFrame, 1);
        var frameBytes = (long)valuesPerFrame * bytesPerValue;
        if (frameBytes > MaxChunkBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(valuesPerFrame), valuesPerFrame, $"A frame of {valuesPerFrame} values is {frameBytes} bytes; a feature blob's frame may be at most {MaxChunkBytes} bytes.");
        }

        return (int)Math.Max(1, TargetChunkBytes / frameBytes);
    }

    /// <summary>The length of a version-3 header's trailer (after the time written) for a value encoding id.</summary>
    private static int GetV3TrailerLength(ushort encoding) =>
        encoding is EncodingDecibels16 or EncodingDecibels8 ? V3HeaderTrailerLength + V3DecibelFieldsLength : V3HeaderTrailerLength;

    /// <summary>Encodes a blob in the current format (version 3) into a new array.</summary>
    /// <exception cref="ArgumentException">A header string cannot be encoded (a lone surrogate) or the header is too long.</exception>
    public static ValueTask<byte[]> EncodeAsync(FeatureBlob blob, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var stream = new MemoryStream();
        using (var writer = new ChunkedWriter(stream, blob.Header.ValuesPerFrame, blob.Header.Encoding))
        {
            writer.Append(blob.ValueSpan);
            writer.Finish(blob.Header);
        }

        return new(stream.ToArray());
    }

    private static async ValueTask<bool> IsVersion3Async(Stream source, long length, CancellationToken cancellationToken)
    {
        if (length < PreambleLength)
        {
            return false;
        }

        var preamble = new byte[PreambleLength];
        source.Position = 0;
        await source.ReadExactlyAsync(preamble, cancellationToken).ConfigureAwait(false);
        source.Position = 0;
        return preamble.AsSpan(0, 4).SequenceEqual(Magic) && BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(4)) == 3;
    }

    private static async ValueTask<(FeatureBlobHeader Header, FeatureBlob? Blob)> ReadV3Async(
        Stream source, string location, long length, V3Read read, CancellationToken cancellationToken)
    {
        var preamble = new byte[PreambleLength];
        await source.ReadExactlyAsync(preamble, cancellationToken).ConfigureAwait(false);
        CheckPreamble(preamble, length, location);
        var footer = new byte[V3FooterLength];
        source.Position = length - V3FooterLength;
        await source.ReadExactlyAsync(footer, cancellationToken).ConfigureAwait(false);
        var fields = V3Footer.Parse(footer, length, location);
        var tail = new byte[length - fields.IndexOffset];
        source.Position = fields.IndexOffset;
        await source.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
        var directory = V3Directory.Parse(preamble, tail, fields, location);
        if (read == V3Read.Structure)
        {
            return (directory.Header, null);
        }

        var header = directory.Header;
        float[] values = [];
        if (read == V3Read.Values)
        {
            if (header.ValueCount > Array.MaxLength)
            {
                throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The blob '{location}' holds {header.ValueCount} values, more than one array can; read it with IFeatureStore.OpenReaderAsync."));
            }

            values = new float[header.ValueCount];
        }

        source.Position = PreambleLength;
        var buffer = ArrayPool<byte>.Shared.Rent(directory.LargestChunkBytes);
        try
        {
            for (var chunk = 0L; chunk < directory.ChunkCount; chunk++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var bytes = buffer.AsMemory(0, directory.GetChunkLength(chunk));
                await source.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
                directory.VerifyChunk(chunk, bytes.Span, location);
                if (read == V3Read.Values)
                {
                    var first = chunk * directory.FramesPerChunk * header.ValuesPerFrame;
                    directory.Codec.Decode(bytes.Span, values.AsSpan((int)first, bytes.Length / directory.Codec.BytesPerValue));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (header, read == V3Read.Values ? FeatureBlob.CreateOwned(header, values) : null);
    }

    /// <summary>The footer's fields, checked to fit the blob's length (not yet against the checksum).</summary>
    internal readonly record struct V3Footer(long IndexOffset, long ChunkCount, int HeaderLength)
    {
        /// <summary>Reads the footer (the last 32 bytes) and checks that the index and header it places fit the file exactly.</summary>
        /// <exception cref="CorruptFeatureBlobException">They do not: the blob was cut short or its footer is damaged.</exception>
        public static V3Footer Parse(ReadOnlySpan<byte> footer, long length, string location)
        {
            var indexOffset = BinaryPrimitives.ReadInt64LittleEndian(footer);
            var chunkCount = BinaryPrimitives.ReadInt64LittleEndian(footer[8..]);
            var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(footer[16..]);
            var reserved = BinaryPrimitives.ReadUInt32LittleEndian(footer[20..]);
            var fits = indexOffset >= PreambleLength && chunkCount >= 0 && chunkCount <= length / V3IndexEntryLength &&
                headerLength >= MinHeaderLengthV3 && headerLength <= ushort.MaxValue && reserved == 0 &&
                indexOffset + (chunkCount * V3IndexEntryLength) + headerLength + V3FooterLength == length;
            if (!fits)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.Truncated,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"its footer places the index at byte {indexOffset} with {chunkCount} chunks and a {headerLength}-byte header (reserved field {reserved}), which does not fit the {length} bytes stored: the blob was cut short or its footer is damaged."));
            }

            return new V3Footer(indexOffset, chunkCount, (int)headerLength);
        }
    }

    /// <summary>What a reader knows once a version-3 blob's footer, index and header are verified: enough to find and check any chunk.</summary>
    internal sealed class V3Directory
    {
        private readonly ulong[] _checksums;
        private readonly long _frameBytes;

        private V3Directory(FeatureBlobHeader header, int framesPerChunk, ulong[] checksums)
        {
            Header = header;
            FramesPerChunk = framesPerChunk;
            _checksums = checksums;
            Codec = FeatureValueCodec.For(header.Encoding);
            _frameBytes = (long)header.ValuesPerFrame * Codec.BytesPerValue;
            LargestChunkBytes = (int)Math.Min(framesPerChunk * _frameBytes, Math.Max(header.FrameCount, 1) * _frameBytes);
        }

        public FeatureBlobHeader Header { get; }

        /// <summary>Gets the codec of the header's value encoding.</summary>
        public FeatureValueCodec Codec { get; }

        public int FramesPerChunk { get; }

        public long ChunkCount => _checksums.Length;

        /// <summary>Gets the length of the largest chunk (0 when there are no frames).</summary>
        public int LargestChunkBytes { get; }

        /// <summary>Verifies the preamble, index, header and footer against the footer's checksum and parses the header.</summary>
        /// <param name="preamble">The first 8 bytes.</param>
        /// <param name="tail">The bytes from the index to the end of the file.</param>
        /// <param name="footer">The footer's fields.</param>
        /// <param name="location">Names the blob in errors.</param>
        /// <exception cref="CorruptFeatureBlobException">Something does not verify; the message names it.</exception>
        public static V3Directory Parse(ReadOnlySpan<byte> preamble, ReadOnlySpan<byte> tail, V3Footer footer, string location)
        {
            var hasher = new XxHash3();
            hasher.Append(preamble);
            hasher.Append(tail[..^ChecksumLength]);
            var computed = hasher.GetCurrentHashAsUInt64();
            var stored = BinaryPrimitives.ReadUInt64LittleEndian(tail[^ChecksumLength..]);
            if (stored != computed)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.ChecksumMismatch,
                    $"its preamble, chunk index, header and footer hash to {Hex(computed)}, but the footer's checksum is {Hex(stored)} (XxHash3-64).");
            }

            var reserved = BinaryPrimitives.ReadUInt16LittleEndian(preamble[6..]);
            var indexLength = checked((int)(footer.ChunkCount * V3IndexEntryLength));
            var headerBytes = tail.Slice(indexLength, footer.HeaderLength);
            if (reserved != 0)
            {
                throw new CorruptFeatureBlobException(
                    location, FeatureBlobCorruption.InvalidHeader, $"its checksum is intact but its reserved preamble field is {reserved}, not 0.");
            }

            if (!RawHeader.TryParse(headerBytes, 3, out var raw, out var problem))
            {
                throw new CorruptFeatureBlobException(location, FeatureBlobCorruption.InvalidHeader, $"its checksum is intact but {problem}.");
            }

            var header = raw.ToHeader(location);
            var frameBytes = (long)header.ValuesPerFrame * header.Encoding.BytesPerValue;
            if (raw.FramesPerChunk < 1 || raw.FramesPerChunk * frameBytes > MaxChunkBytes)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.InvalidHeader,
                    $"its checksum is intact but it declares {raw.FramesPerChunk} frames per chunk of {header.ValuesPerFrame} values; chunks must hold 1 frame or more and at most {MaxChunkBytes} bytes.");
            }

            var chunkCount = (header.FrameCount + (long)raw.FramesPerChunk - 1) / raw.FramesPerChunk;
            var dataLength = header.FrameCount * frameBytes;
            if (chunkCount != footer.ChunkCount || PreambleLength + dataLength != footer.IndexOffset)
            {
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.ValueCountMismatch,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"its header declares {header.FrameCount} frames × {header.ValuesPerFrame} values per frame = {dataLength} bytes in {chunkCount} chunks of {raw.FramesPerChunk} frames, but its footer places the index at byte {footer.IndexOffset} after {footer.ChunkCount} chunks; the checksum is intact, so the blob was written inconsistently."));
            }

            var checksums = new ulong[chunkCount];
            for (var i = 0; i < checksums.Length; i++)
            {
                var entry = tail[(i * V3IndexEntryLength)..];
                var offset = BinaryPrimitives.ReadInt64LittleEndian(entry);
                var expected = PreambleLength + (i * raw.FramesPerChunk * frameBytes);
                if (offset != expected)
                {
                    throw new CorruptFeatureBlobException(
                        location,
                        FeatureBlobCorruption.InvalidHeader,
                        string.Create(CultureInfo.InvariantCulture, $"its checksum is intact but index entry {i} places chunk {i} at byte {offset}, not {expected}."));
                }

                checksums[i] = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            }

            return new V3Directory(header, raw.FramesPerChunk, checksums);
        }

        /// <summary>Gets the byte offset of a chunk from the start of the blob.</summary>
        public long GetChunkOffset(long chunk) => PreambleLength + (chunk * FramesPerChunk * _frameBytes);

        /// <summary>Gets the length in bytes of a chunk (the last one may be partial).</summary>
        public int GetChunkLength(long chunk) =>
            (int)(Math.Min(FramesPerChunk, Header.FrameCount - (chunk * FramesPerChunk)) * _frameBytes);

        /// <summary>Checks a chunk's bytes against its index entry.</summary>
        /// <exception cref="CorruptFeatureBlobException">They differ; the message names the chunk, its frames and its bytes.</exception>
        public void VerifyChunk(long chunk, ReadOnlySpan<byte> bytes, string location)
        {
            var computed = XxHash3.HashToUInt64(bytes);
            if (computed != _checksums[chunk])
            {
                var first = chunk * FramesPerChunk;
                var last = first + (bytes.Length / _frameBytes) - 1;
                var offset = GetChunkOffset(chunk);
                throw new CorruptFeatureBlobException(
                    location,
                    FeatureBlobCorruption.ChecksumMismatch,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"chunk {chunk} of {ChunkCount} (frames {first}…{last}, bytes {offset}…{offset + bytes.Length - 1}) hashes to {Hex(computed)}, but its checksum in the index is {Hex(_checksums[chunk])} (XxHash3-64)."));
            }
        }
    }

    /// <summary>
    /// Writes a version-3 blob to a stream in one pass: the preamble at once, each chunk as soon as its frames are
    /// appended, then the index, header and footer in <see cref="Finish"/>. Holds one chunk and the chunk checksums.
    /// </summary>
    internal sealed class ChunkedWriter : IDisposable
    {
        private readonly Stream _destination;
        private readonly int _valuesPerFrame;
        private readonly int _framesPerChunk;
        private readonly FeatureValueEncoding _encoding;
        private readonly FeatureValueCodec _codec;
        private readonly List<ulong> _checksums = [];
        private byte[]? _chunk;
        private int _framesInChunk;
        private bool _finished;

        /// <summary>Initializes a new instance of the <see cref="ChunkedWriter"/> class and writes the preamble.</summary>
        /// <param name="destination">The stream the blob is written to.</param>
        /// <param name="valuesPerFrame">The number of values in each frame.</param>
        /// <param name="encoding">How the values are stored; the header committed must declare the same.</param>
        public ChunkedWriter(Stream destination, int valuesPerFrame, FeatureValueEncoding encoding)
        {
            _destination = destination;
            _valuesPerFrame = valuesPerFrame;
            _encoding = encoding;
            _codec = FeatureValueCodec.For(encoding);
            _framesPerChunk = GetFramesPerChunk(valuesPerFrame, _codec.BytesPerValue);
            _chunk = ArrayPool<byte>.Shared.Rent(_framesPerChunk * valuesPerFrame * _codec.BytesPerValue);
            Span<byte> preamble = stackalloc byte[PreambleLength];
            WritePreamble(preamble);
            destination.Write(preamble);
        }

        /// <summary>Gets the number of frames appended.</summary>
        public long FramesWritten { get; private set; }

        /// <summary>Appends whole frames, frame-major.</summary>
        /// <exception cref="ArgumentException">The values are not a whole number of frames.</exception>
        public void Append(ReadOnlySpan<float> values)
        {
            ObjectDisposedException.ThrowIf(_chunk is null || _finished, this);
            if (values.Length % _valuesPerFrame != 0)
            {
                throw new ArgumentException(
                    $"{values.Length} values are not a whole number of frames of {_valuesPerFrame} values.", nameof(values));
            }

            var frameBytes = _valuesPerFrame * _codec.BytesPerValue;
            while (!values.IsEmpty)
            {
                var frames = Math.Min(_framesPerChunk - _framesInChunk, values.Length / _valuesPerFrame);
                var count = frames * _valuesPerFrame;
                _codec.Encode(values[..count], _chunk.AsSpan(_framesInChunk * frameBytes, count * _codec.BytesPerValue));
                values = values[count..];
                _framesInChunk += frames;
                FramesWritten += frames;
                if (_framesInChunk == _framesPerChunk)
                {
                    FlushChunk();
                }
            }
        }

        /// <summary>Writes the last (partial) chunk, the index, the header and the footer.</summary>
        /// <exception cref="ArgumentException">The header's values per frame, frame count or encoding disagree with what was appended.</exception>
        public void Finish(FeatureBlobHeader header)
        {
            ObjectDisposedException.ThrowIf(_chunk is null || _finished, this);
            if (header.ValuesPerFrame != _valuesPerFrame || header.FrameCount != FramesWritten)
            {
                throw new ArgumentException(
                    $"The header of {header.Descriptor} for {header.Key} declares {header.FrameCount} frames × {header.ValuesPerFrame} values, but {FramesWritten} frames × {_valuesPerFrame} values were written.",
                    nameof(header));
            }

            FeatureStoreDefaults.ThrowIfEncodingDiffers(header, _encoding);
            var id = (ushort)header.Encoding.Kind;
            var body = EncodeHeaderBody(header, GetV3TrailerLength(id), out var trailerAt);
            var trailer = body.AsSpan(trailerAt);
            BinaryPrimitives.WriteUInt16LittleEndian(trailer, id);
            BinaryPrimitives.WriteInt32LittleEndian(trailer[2..], _framesPerChunk);
            if (trailer.Length > V3HeaderTrailerLength)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(trailer[V3HeaderTrailerLength..], header.Encoding.Low);
                BinaryPrimitives.WriteDoubleLittleEndian(trailer[(V3HeaderTrailerLength + 8)..], header.Encoding.High);
                BinaryPrimitives.WriteUInt16LittleEndian(trailer[(V3HeaderTrailerLength + 16)..], (ushort)header.Encoding.Scale);
            }

            if (_framesInChunk > 0)
            {
                FlushChunk();
            }

            var frameBytes = (long)_valuesPerFrame * _codec.BytesPerValue;
            var tail = new byte[(_checksums.Count * V3IndexEntryLength) + body.Length + V3FooterLength];
            var span = tail.AsSpan();
            for (var i = 0; i < _checksums.Count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[(i * V3IndexEntryLength)..], PreambleLength + (i * _framesPerChunk * frameBytes));
                BinaryPrimitives.WriteUInt64LittleEndian(span[((i * V3IndexEntryLength) + 8)..], _checksums[i]);
            }

            body.CopyTo(span[(_checksums.Count * V3IndexEntryLength)..]);
            var footer = span[^V3FooterLength..];
            BinaryPrimitives.WriteInt64LittleEndian(footer, PreambleLength + (FramesWritten * frameBytes));
            BinaryPrimitives.WriteInt64LittleEndian(footer[8..], _checksums.Count);
            BinaryPrimitives.WriteUInt32LittleEndian(footer[16..], (uint)body.Length);
            Span<byte> preamble = stackalloc byte[PreambleLength];
            WritePreamble(preamble);
            var hasher = new XxHash3();
            hasher.Append(preamble);
            hasher.Append(span[..^ChecksumLength]);
            BinaryPrimitives.WriteUInt64LittleEndian(footer[24..], hasher.GetCurrentHashAsUInt64());
            _destination.Write(tail);
            _finished = true;
        }

        /// <summary>Returns the chunk buffer to the pool.</summary>
        public void Dispose()
        {
            if (_chunk is { } chunk)
            {
                _chunk = null;
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        private static void WritePreamble(Span<byte> preamble)
        {
            Magic.CopyTo(preamble);
            BinaryPrimitives.WriteUInt16LittleEndian(preamble[4..], 3);
            BinaryPrimitives.WriteUInt16LittleEndian(preamble[6..], 0);
        }

        private void FlushChunk()
        {
            var bytes = _chunk.AsSpan(0, _framesInChunk * _valuesPerFrame * _codec.BytesPerValue);
            _checksums.Add(XxHash3.HashToUInt64(bytes));
            _destination.Write(bytes);
            _framesInChunk = 0;
        }
    }
}
