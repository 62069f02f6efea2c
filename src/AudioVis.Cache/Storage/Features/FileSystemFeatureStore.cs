using System.Runtime.CompilerServices;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// An <see cref="IFeatureStore"/> that keeps one file per blob under a cache root directory, written atomically
/// (temporary file in the same directory, flushed to disk, then renamed over the old file) and verified on every read.
/// </summary>
/// <remarks>
/// <para>
/// Layout: <c>&lt;root&gt;/&lt;h[0..2]&gt;/&lt;h&gt;/&lt;profile&gt;/&lt;descriptor&gt;.avcf</c>, where <c>h</c> is the
/// SHA-256 of the track reference, so any track reference (a path, a URI, 1024 characters of Unicode) is safe. The
/// header inside each file repeats the full key and descriptor and a read checks them, so a hash collision or a
/// misplaced file can never return another track's data. See docs/feature-blobs.md.
/// </para>
/// <para>
/// A crash during a write leaves the previous blob intact; it may leave a hidden
/// <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c> file in the descriptor's directory, which reads and listings
/// ignore and <see cref="SweepTempFilesAsync"/> removes. The root may be a folder several machines share (NFS, SMB) when
/// the file system renames atomically within a directory; see docs/feature-blobs.md, "Shared folders".
/// </para>
/// <para>
/// <see cref="QuarantineAsync"/> moves a corrupt blob to the same relative path under <see cref="QuarantineDirectory"/>
/// (<c>&lt;root&gt;/quarantine/…</c>, a rename on the same volume, so atomic), adding <c>.1</c>, <c>.2</c>… when that
/// name is taken; it never deletes a blob. Scans and reads never look there.
/// </para>
/// </remarks>
internal sealed class FileSystemFeatureStore : IFeatureStore, IFeatureBlobStructureCheck, ITempFileSweep
{
    private const string QuarantineDirectoryName = "quarantine";

    /// <summary>Initializes a new instance of the <see cref="FileSystemFeatureStore"/> class.</summary>
    /// <param name="rootDirectory">The cache root directory; created on the first write if it does not exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rootDirectory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rootDirectory"/> is empty, white space or not a valid path.</exception>
    public FileSystemFeatureStore(string rootDirectory)
    {
        ArgumentNullException.ThrowIfNull(rootDirectory);
        if (string.IsNullOrWhiteSpace(rootDirectory))
        {
            throw new ArgumentException($"The feature store's root directory must not be empty or white space; got '{rootDirectory}'.", nameof(rootDirectory));
        }

        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    /// <summary>Gets the full path of the cache root directory.</summary>
    public string RootDirectory { get; }

    /// <summary>Gets the full path of the directory corrupt blobs are moved to: <c>quarantine</c> under <see cref="RootDirectory"/>.</summary>
    public string QuarantineDirectory => Path.Combine(RootDirectory, QuarantineDirectoryName);

    /// <summary>Test hook: wraps the stream a write goes through, to fail or cancel it midway.</summary>
    internal Func<Stream, Stream>? WriteStreamWrapper { get; init; }

    /// <summary>Test hook: called with the temporary file's path after it is flushed to disk and before it is renamed.</summary>
    internal Action<string>? BeforeCommit { get; init; }

    /// <summary>Test hook: this machine's host part in temporary file names.</summary>
    internal string LocalHost { get; init; } = TempFileNames.LocalHost;

    /// <summary>Test hook: whether a process of this machine runs.</summary>
    internal Func<int, bool> IsProcessAlive { get; init; } = TempFileSweeper.IsProcessAlive;

    /// <inheritdoc/>
    /// <remarks>Walks the whole root (quarantine included) by name and last write time only; no blob is opened.</remarks>
    public ValueTask<TempFileSweepReport> SweepTempFilesAsync(DateTimeOffset now, TimeSpan maxAge, CancellationToken cancellationToken) =>
        new(TempFileSweeper.Sweep(RootDirectory, now, maxAge, LocalHost, IsProcessAlive, cancellationToken));

    /// <summary>Gets the path of the file that holds (or would hold) a blob.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptor">The descriptor id, channel alias included.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is the default value, or its track reference holds a lone surrogate.</exception>
    public string GetBlobPath(CacheKey key, DescriptorId descriptor)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        return Path.Combine(FeatureStorePaths.GetKeyDirectory(RootDirectory, key), FeatureStorePaths.GetBlobFileName(descriptor));
    }

    /// <inheritdoc/>
    /// <remarks>Writes format version 3 through the same path as <see cref="BeginWriteAsync"/>, one chunk at a time.</remarks>
    public async ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        // Encodes the header first, so a header that cannot be stored fails before any file is created.
        FeatureBlobFormat.EncodeHeader(blob.Header);
        var writer = await BeginWriteAsync(blob.Header.Key, blob.Header.Descriptor, blob.Header.ValuesPerFrame, blob.Header.FrameCount, blob.Header.Encoding, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var values = blob.Values;
            var step = FeatureBlobFormat.GetFramesPerChunk(blob.Header.ValuesPerFrame, blob.Header.Encoding.BytesPerValue) * blob.Header.ValuesPerFrame;
            for (var offset = 0; offset < values.Length; offset += step)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.Append(values.Span.Slice(offset, Math.Min(step, values.Length - offset)));
            }

            await writer.CommitAsync(blob.Header, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Writes format version 3 to a hidden temporary file next to the blob (<c>.&lt;name&gt;.avcf.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c>) as
    /// frames are appended; the commit flushes it to disk and renames it over the blob. Holds about 64 KiB per writer.
    /// </remarks>
    public ValueTask<IFeatureBlobWriter> BeginWriteAsync(
        CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(key, descriptor);
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerFrame, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return new(new FileFeatureBlobWriter(path, key, descriptor, valuesPerFrame, encoding ?? FeatureValueEncoding.Float32, WriteStreamWrapper, BeforeCommit));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A version-3 blob is mapped into memory (<see cref="System.IO.MemoryMappedFiles.MemoryMappedFile"/>): opening verifies
    /// its preamble, index, header and footer; each chunk is verified the first time it is read. An older (version 1 or 2)
    /// blob is read and verified whole, as <see cref="ReadAsync"/> does. The mapping keeps the file it opened: a blob
    /// replaced meanwhile is seen by readers opened afterwards.
    /// </remarks>
    public async ValueTask<IFeatureBlobReader?> OpenReaderAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(key, descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        if (TryOpenForRead(path, FileOptions.RandomAccess) is not { } file)
        {
            return null;
        }

        IFeatureBlobReader reader;
        try
        {
            if (file.Length >= FeatureBlobFormat.MinLengthV3 && ReadVersion(file) == FeatureBlobHeader.CurrentFormatVersion)
            {
                reader = MemoryMappedFeatureBlobReader.Open(file, path);
            }
            else
            {
                await using (file.ConfigureAwait(false))
                {
                    reader = new FeatureBlobMemoryReader(await FeatureBlobFormat.ReadAsync(file, path, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            FeatureStoreVerification.ThrowIfNotFor(reader.Header, key, descriptor, path);
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        return reader;
    }

    private static int ReadVersion(FileStream file)
    {
        Span<byte> preamble = stackalloc byte[FeatureBlobFormat.PreambleLength];
        file.Position = 0;
        file.ReadExactly(preamble);
        file.Position = 0;
        return preamble[..4].SequenceEqual(FeatureBlobFormat.Magic) ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(preamble[4..]) : -1;
    }

    /// <inheritdoc/>
    public async ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(key, descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        if (TryOpenForRead(path) is not { } file)
        {
            return null;
        }

        FeatureBlob blob;
        await using (file.ConfigureAwait(false))
        {
            blob = await FeatureBlobFormat.ReadAsync(file, path, cancellationToken).ConfigureAwait(false);
        }

        FeatureStoreVerification.ThrowIfNotFor(blob, key, descriptor, path);
        return blob;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(key, descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            return new(false);
        }

        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return new(false);
        }

        return new(true);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        cancellationToken.ThrowIfCancellationRequested();
        var directory = FeatureStorePaths.GetKeyDirectory(RootDirectory, key);
        var result = new List<DescriptorId>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (FeatureStorePaths.TryParseBlobFileName(Path.GetFileName(file), out var descriptor))
                {
                    result.Add(descriptor);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return new(Array.Empty<DescriptorId>());
        }

        result.Sort();
        return new(result);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Walks <c>&lt;root&gt;/&lt;h[0..2]&gt;/&lt;h&gt;/&lt;profile&gt;/&lt;descriptor&gt;.avcf</c> in ordinal order, skipping
    /// every file or directory whose name the store would never write (temporary files, <c>quarantine</c>, foreign files),
    /// and verifies each blob; a blob whose header names another path (a misplaced file) is reported as
    /// <see cref="FeatureBlobCorruption.IdentityMismatch"/>. <see cref="FeatureStoreEntry.StoredAt"/> is the file's last write time.
    /// </remarks>
    public async IAsyncEnumerable<FeatureStoreEntry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var fanOut in Entries(RootDirectory, directories: true))
        {
            if (!IsLowerHex(Path.GetFileName(fanOut), 2))
            {
                continue;
            }

            foreach (var track in Entries(fanOut, directories: true))
            {
                var hash = Path.GetFileName(track);
                if (!IsLowerHex(hash, 64) || !hash.StartsWith(Path.GetFileName(fanOut), StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var profile in Entries(track, directories: true))
                {
                    var segment = Path.GetFileName(profile);
                    if (!FeatureStorePaths.TryUnescapeSegment(segment, out var profileId) ||
                        !string.Equals(FeatureStorePaths.EscapeSegment(profileId), segment, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    foreach (var path in Entries(profile, directories: false))
                    {
                        if (!FeatureStorePaths.TryParseBlobFileName(Path.GetFileName(path), out _))
                        {
                            continue;
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                        var entry = await VerifyFileAsync(path, cancellationToken).ConfigureAwait(false);
                        if (entry is not null)
                        {
                            yield return entry;
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="location"/> must be the path of a blob file under <see cref="RootDirectory"/> (outside
    /// <see cref="QuarantineDirectory"/>). Returns the path the file was moved to.
    /// </remarks>
    public async ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        var path = Path.GetFullPath(location);
        var relative = Path.GetRelativePath(RootDirectory, path);
        var parts = relative.Split(Path.DirectorySeparatorChar);
        if (parts.Length != 4 || parts[0] is ".." || parts[0] == QuarantineDirectoryName || Path.IsPathRooted(relative) ||
            !FeatureStorePaths.TryParseBlobFileName(parts[3], out _))
        {
            throw new ArgumentException(
                $"'{location}' is not the path of a blob of the feature store under '{RootDirectory}' (<root>/<h[0..2]>/<h>/<profile>/<descriptor>.avcf).",
                nameof(location));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var entry = await VerifyFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (entry is null || !entry.IsCorrupt)
        {
            // Gone, or rewritten (atomically, whole) since it was scanned: nothing to move.
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var target = Path.Combine(QuarantineDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        for (var attempt = 0; ; attempt++)
        {
            var candidate = attempt == 0 ? target : $"{target}.{attempt}";
            try
            {
                // A rename on one volume: the blob is in the store or in quarantine, never in neither or both.
                File.Move(path, candidate, overwrite: false);
                return candidate;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (IOException) when (File.Exists(candidate))
            {
                // That name is taken by an earlier quarantine of the same path: try the next.
            }
            catch (IOException) when (!File.Exists(path))
            {
                return null;
            }
        }
    }

    /// <inheritdoc/>
    async ValueTask<FeatureBlobCheck> IFeatureBlobStructureCheck.CheckStructureAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken)
    {
        var path = GetBlobPath(key, descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        if (TryOpenForRead(path) is not { } file)
        {
            return new FeatureBlobCheck(false, null, path);
        }

        await using (file.ConfigureAwait(false))
        {
            try
            {
                var header = await FeatureBlobFormat.CheckStructureAsync(file, path, cancellationToken).ConfigureAwait(false);
                FeatureStoreVerification.ThrowIfNotFor(header, key, descriptor, path);
                return new FeatureBlobCheck(true, null, path, header);
            }
            catch (CorruptFeatureBlobException e)
            {
                return new FeatureBlobCheck(true, e, path);
            }
        }
    }

    /// <summary>Opens a blob for reading; <see langword="null"/> when it does not exist.</summary>
    private static FileStream? TryOpenForRead(string path, FileOptions options = FileOptions.Asynchronous | FileOptions.SequentialScan)
    {
        try
        {
            // FileShare.Delete lets a writer rename a new blob over this one while it is being read.
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = options,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Verifies one blob file: its entry, or <see langword="null"/> when the file no longer exists.</summary>
    private async ValueTask<FeatureStoreEntry?> VerifyFileAsync(string path, CancellationToken cancellationToken)
    {
        if (TryOpenForRead(path) is not { } file)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            var storedAt = new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero);
            try
            {
                var header = await FeatureBlobFormat.VerifyAsync(file, path, cancellationToken).ConfigureAwait(false);
                var expected = GetBlobPath(header.Key, header.Descriptor);
                if (!string.Equals(expected, path, StringComparison.Ordinal))
                {
                    throw new CorruptFeatureBlobException(
                        path,
                        FeatureBlobCorruption.IdentityMismatch,
                        $"it holds {header.Descriptor} for '{header.Key}', whose blob belongs at '{expected}'.");
                }

                return new FeatureStoreEntry(path, header, storedAt);
            }
            catch (CorruptFeatureBlobException e)
            {
                return new FeatureStoreEntry(e, storedAt);
            }
        }
    }

    /// <summary>The subdirectories or files of a directory, ordered ordinally; empty when it does not exist (any more).</summary>
    private static string[] Entries(string directory, bool directories)
    {
        try
        {
            var entries = directories ? Directory.GetDirectories(directory) : Directory.GetFiles(directory);
            Array.Sort(entries, StringComparer.Ordinal);
            return entries;
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static bool IsLowerHex(string name, int length)
    {
        if (name.Length != length)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
