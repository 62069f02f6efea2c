using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Writes one version-3 blob of a <see cref="FileSystemFeatureStore"/> straight to a hidden temporary file next to the blob,
/// chunk by chunk; the commit writes the index, header and footer, flushes to disk and renames the file over the blob.
/// Disposing it uncommitted deletes the temporary file. Holds one chunk (about 64 KiB) and the chunk checksums.
/// </summary>
internal sealed class FileFeatureBlobWriter : IFeatureBlobWriter
{
    private readonly AtomicFile.Pending _file;
    private readonly FeatureBlobFormat.ChunkedWriter _writer;
    private bool _closed;

    public FileFeatureBlobWriter(
        string path, CacheKey key, DescriptorId descriptor, int valuesPerFrame, FeatureValueEncoding encoding, Func<Stream, Stream>? streamWrapper, Action<string>? beforeCommit)
    {
        // Validates the frame size before anything is created.
        FeatureBlobFormat.GetFramesPerChunk(valuesPerFrame, encoding.BytesPerValue);
        Key = key;
        Descriptor = descriptor;
        ValuesPerFrame = valuesPerFrame;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = AtomicFile.Begin(path, streamWrapper, beforeCommit);
        try
        {
            _writer = new FeatureBlobFormat.ChunkedWriter(_file.Stream, valuesPerFrame, encoding);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public CacheKey Key { get; }

    public DescriptorId Descriptor { get; }

    public int ValuesPerFrame { get; }

    public long FramesWritten => _writer.FramesWritten;

    public void Append(ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _writer.Append(values);
    }

    public async ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        FeatureStoreDefaults.ThrowIfNotFor(header, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _writer.Finish(header);
            await _file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            _closed = true;
            _writer.Dispose();
            _file.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
