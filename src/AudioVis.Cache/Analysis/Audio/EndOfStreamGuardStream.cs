namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// A read-only view of a decoder's input that ends a decoder's endless loop at the end of the stream: NVorbis 0.10.5,
/// looking for the last page of some damaged files (a page that claims to run past the end of the file), reads at the
/// end forever. After <see cref="MaxReadsAtEnd"/> reads in a row that return nothing, with no seek in between, the next
/// one throws <see cref="InvalidDataException"/>, which the reader reports as a malformed file.
/// </summary>
internal sealed class EndOfStreamGuardStream(Stream inner) : Stream
{
    /// <summary>Reads at the end in a row that a decoder may make (a sound one makes one or two).</summary>
    public const int MaxReadsAtEnd = 1_000;

    private int _readsAtEnd;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            _readsAtEnd = 0;
            inner.Position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (read > 0 || buffer.IsEmpty)
        {
            _readsAtEnd = 0;
        }
        else if (++_readsAtEnd > MaxReadsAtEnd)
        {
            throw new InvalidDataException($"the decoder read past the end of the stream {MaxReadsAtEnd} times in a row (a damaged page that runs past the end of the file)");
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _readsAtEnd = 0;
        return inner.Seek(offset, origin);
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
