using System.IO.MemoryMappedFiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Reads a version-3 blob through a read-only memory-mapped view of its file. Opening verifies the preamble, index,
/// header and footer (the footer's checksum) and reads nothing else; each chunk is checked against its index checksum
/// the first time one of its frames is read (about 64 KiB hashed once), so only the pages sampled are touched.
/// </summary>
internal sealed unsafe class MemoryMappedFeatureBlobReader : IFeatureBlobReader
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly FeatureBlobFormat.V3Directory _directory;
    private readonly string _location;
    private readonly int[] _verified;
    private readonly int _valuesPerFrame;
    private readonly int _framesPerChunk;
    private readonly FeatureValueCodec _codec;
    private readonly int _bytesPerValue;
    private int _disposed;

    private MemoryMappedFeatureBlobReader(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, FeatureBlobFormat.V3Directory directory, string location)
    {
        _map = map;
        _view = view;
        _base = pointer;
        _directory = directory;
        _location = location;
        _verified = new int[directory.ChunkCount];
        _valuesPerFrame = directory.Header.ValuesPerFrame;
        _framesPerChunk = directory.FramesPerChunk;
        _codec = directory.Codec;
        _bytesPerValue = _codec.BytesPerValue;
    }

    public FeatureBlobHeader Header => _directory.Header;

    /// <summary>Maps an open version-3 blob file (at least <see cref="FeatureBlobFormat.MinLengthV3"/> bytes) and verifies its structure.</summary>
    /// <param name="file">The file; owned by the reader from now on (closed when mapping fails).</param>
    /// <param name="location">Names the blob in errors.</param>
    /// <exception cref="CorruptFeatureBlobException">The structure does not verify.</exception>
    public static MemoryMappedFeatureBlobReader Open(FileStream file, string location)
    {
        var length = file.Length;
        var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var preamble = new ReadOnlySpan<byte>(pointer, FeatureBlobFormat.PreambleLength);
            var footer = FeatureBlobFormat.V3Footer.Parse(
                new ReadOnlySpan<byte>(pointer + length - FeatureBlobFormat.V3FooterLength, FeatureBlobFormat.V3FooterLength), length, location);
            var tail = new ReadOnlySpan<byte>(pointer + footer.IndexOffset, checked((int)(length - footer.IndexOffset)));
            var directory = FeatureBlobFormat.V3Directory.Parse(preamble, tail, footer, location);
            return new MemoryMappedFeatureBlobReader(map, view, pointer, directory, location);
        }
        catch
        {
            if (pointer != null)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public void ReadFrames(int firstFrame, Span<float> destination)
    {
        FeatureStoreDefaults.CheckFrames(Header, firstFrame, destination.Length);
        var frame = firstFrame;
        while (!destination.IsEmpty)
        {
            var chunk = frame / _framesPerChunk;
            var inChunk = Math.Min(((chunk + 1) * _framesPerChunk) - frame, destination.Length / _valuesPerFrame);
            var count = inChunk * _valuesPerFrame;
            var bytes = new ReadOnlySpan<byte>(Chunk(chunk) + ((long)(frame - (chunk * _framesPerChunk)) * _valuesPerFrame * _bytesPerValue), count * _bytesPerValue);
            _codec.Decode(bytes, destination[..count]);
            destination = destination[count..];
            frame += inChunk;
        }
    }

    public float ReadValue(int frame, int valueIndex)
    {
        FeatureStoreDefaults.CheckValue(Header, frame, valueIndex);
        var chunk = frame / _framesPerChunk;
        var at = Chunk(chunk) + ((((long)(frame - (chunk * _framesPerChunk)) * _valuesPerFrame) + valueIndex) * _bytesPerValue);
        return _codec.DecodeOne(new ReadOnlySpan<byte>(at, _bytesPerValue));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
    }

    /// <summary>The start of a chunk, verified against its checksum on first use.</summary>
    private byte* Chunk(int chunk)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var start = _base + _directory.GetChunkOffset(chunk);
        if (Volatile.Read(ref _verified[chunk]) == 0)
        {
            // Two threads may both verify a chunk the first time: harmless, and no lock on the hot path.
            _directory.VerifyChunk(chunk, new ReadOnlySpan<byte>(start, _directory.GetChunkLength(chunk)), _location);
            Volatile.Write(ref _verified[chunk], 1);
        }

        return start;
    }
}
