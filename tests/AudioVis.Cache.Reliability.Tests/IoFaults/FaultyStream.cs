using AudioVis.Cache.Internal;

namespace AudioVis.Cache.Reliability.Tests.IoFaults;

/// <summary>A write-through stream whose writes and flushes (flush to disk included) go through a <see cref="FaultInjector"/> first.</summary>
internal sealed class FaultyStream(Stream inner, FaultInjector faults) : Stream, AtomicFile.IDiskFlushObserver
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public void BeforeFlushToDisk() => faults.Next("flush to disk");

    public override void Flush()
    {
        faults.Next("flush");
        inner.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        faults.Next("flush");
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        faults.Next("write");
        inner.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        faults.Next("write");
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
