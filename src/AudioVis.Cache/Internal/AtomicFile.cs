namespace AudioVis.Cache.Internal;

/// <summary>
/// Replaces a file atomically: the content goes to a hidden temporary file in the same folder, is flushed to disk,
/// then renamed over the target. A failure or cancellation deletes the temporary file and leaves the old file intact.
/// </summary>
/// <remarks>
/// Feature blobs, export manifests and preference files are written this way. The temporary file is named
/// <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c> (<see cref="TempFileNames"/>), unique per machine and process
/// on a shared folder. A crash may leave it behind; readers ignore it and <see cref="TempFileSweeper"/> removes it.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically; the folder must exist.</summary>
    /// <param name="path">The full path of the file to replace or create.</param>
    /// <param name="write">Writes the content to the stream it is given (flushing is done here).</param>
    /// <param name="streamWrapper">Test hook: wraps the file stream, to fail or cancel a write midway.</param>
    /// <param name="cancellationToken">Cancels the write; once the content is on disk, checked once more before the rename.</param>
    /// <param name="beforeCommit">Test hook: called with the temporary file's path just before the rename.</param>
    /// <returns>A task that completes when the new file is in place.</returns>
    public static async ValueTask WriteAsync(
        string path,
        Func<Stream, CancellationToken, ValueTask> write,
        Func<Stream, Stream>? streamWrapper,
        CancellationToken cancellationToken,
        Action<string>? beforeCommit = null)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempFileNames.Create(Path.GetFileName(path)));
        try
        {
            var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
            });
            await using (file.ConfigureAwait(false))
            {
                var stream = streamWrapper?.Invoke(file) ?? file;
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                FlushToDisk(stream, file);
            }

            // The new content is durable; a cancellation now still leaves the previous file in place.
            cancellationToken.ThrowIfCancellationRequested();
            beforeCommit?.Invoke(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Starts a replacement written in several steps: the content goes to the returned temporary file, and
    /// <see cref="Pending.CommitAsync"/> flushes it to disk and renames it over <paramref name="path"/>. Disposing a
    /// pending file that was not committed deletes it.
    /// </summary>
    /// <param name="path">The full path of the file to replace or create; the folder must exist.</param>
    /// <param name="streamWrapper">Test hook: wraps the file stream, to fail a write midway.</param>
    /// <param name="beforeCommit">Test hook: called with the temporary file's path just before the rename.</param>
    /// <returns>The pending file.</returns>
    public static Pending Begin(string path, Func<Stream, Stream>? streamWrapper = null, Action<string>? beforeCommit = null)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempFileNames.Create(Path.GetFileName(path)));
        var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
        });
        try
        {
            return new Pending(path, temp, file, streamWrapper?.Invoke(file) ?? file, beforeCommit);
        }
        catch
        {
            file.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    private static void FlushToDisk(Stream stream, FileStream file)
    {
        (stream as IDiskFlushObserver)?.BeforeFlushToDisk();
        file.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; its exception is the one to report.
        }
    }

    /// <summary>
    /// Test seam: a stream wrapper (the <c>streamWrapper</c> hook) that implements this is called just before the file is
    /// flushed to disk, and may throw to fail that flush as the disk would.
    /// </summary>
    internal interface IDiskFlushObserver
    {
        /// <summary>Called before the temporary file is flushed to disk.</summary>
        void BeforeFlushToDisk();
    }

    /// <summary>A temporary file that becomes the target when committed, or disappears when disposed.</summary>
    internal sealed class Pending : IDisposable
    {
        private readonly string _path;
        private readonly FileStream _file;
        private readonly Action<string>? _beforeCommit;
        private bool _done;

        internal Pending(string path, string temp, FileStream file, Stream stream, Action<string>? beforeCommit)
        {
            _path = path;
            TempPath = temp;
            _file = file;
            Stream = stream;
            _beforeCommit = beforeCommit;
        }

        /// <summary>Gets the temporary file's path.</summary>
        public string TempPath { get; }

        /// <summary>Gets the stream to write the content to.</summary>
        public Stream Stream { get; }

        /// <summary>Flushes the content to disk and renames the temporary file over the target.</summary>
        /// <param name="cancellationToken">Checked once the content is on disk, before the rename.</param>
        /// <returns>A task that completes when the new file is in place.</returns>
        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            try
            {
                await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                FlushToDisk(Stream, _file);
                await Stream.DisposeAsync().ConfigureAwait(false);
                await _file.DisposeAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                _beforeCommit?.Invoke(TempPath);
                File.Move(TempPath, _path, overwrite: true);
                _done = true;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Deletes the temporary file unless it was committed.</summary>
        public void Dispose()
        {
            if (_done)
            {
                return;
            }

            _done = true;
            Stream.Dispose();
            _file.Dispose();
            TryDelete(TempPath);
        }
    }
}
