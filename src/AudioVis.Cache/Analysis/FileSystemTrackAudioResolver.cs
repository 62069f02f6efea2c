using System.Globalization;
using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The default <see cref="ITrackAudioResolver"/>: a track reference is a file path relative to a root folder
/// (<c>/</c> and the platform separator both work). References that resolve outside the root are rejected.
/// </summary>
/// <remarks>The check is lexical, on the full path: a symbolic link inside the root that points outside it is followed.</remarks>
internal sealed class FileSystemTrackAudioResolver : ITrackAudioResolver
{
    private readonly string _rootWithSeparator;

    public FileSystemTrackAudioResolver(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _rootWithSeparator = RootDirectory.EndsWith(Path.DirectorySeparatorChar) ? RootDirectory : RootDirectory + Path.DirectorySeparatorChar;
    }

    /// <summary>Gets the full path of the root folder.</summary>
    public string RootDirectory { get; }

    /// <summary>Returns the full path of a track's file.</summary>
    /// <exception cref="ArgumentException"><paramref name="trackRef"/> is empty.</exception>
    /// <exception cref="TrackRefOutsideAudioRootException">The path is outside the root.</exception>
    public string ResolvePath(string trackRef)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trackRef);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string full;
        try
        {
            full = Path.GetFullPath(trackRef.Replace('/', Path.DirectorySeparatorChar), RootDirectory);
        }
        catch (ArgumentException)
        {
            throw new TrackRefOutsideAudioRootException(trackRef, RootDirectory);
        }

        if (Path.IsPathRooted(trackRef) || !full.StartsWith(_rootWithSeparator, comparison) || full.Length == _rootWithSeparator.Length)
        {
            throw new TrackRefOutsideAudioRootException(trackRef, RootDirectory);
        }

        return full;
    }

    /// <inheritdoc/>
    public IAudioSource Open(string trackRef) => AudioSources.Open(ResolvePath(trackRef));

    /// <inheritdoc/>
    /// <remarks>
    /// <c>{length}:{last write time in ticks}:{XXH3-64 of the sampled blocks}</c>, where the sampled blocks are
    /// <see cref="SampledBlockCount"/> blocks of <see cref="SampledBlockSize"/> bytes spread evenly from the first byte to the
    /// last (the whole file when it is smaller). An edit that keeps the length and the write time and touches no sampled block
    /// goes unnoticed, as with <c>make</c> or <c>rsync</c>; a host that writes such edits calls <c>NotifyChanged</c>.
    /// </remarks>
    public string? GetChangeToken(string trackRef)
    {
        var path = ResolvePath(trackRef);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            var written = File.GetLastWriteTimeUtc(handle).Ticks;
            return string.Create(CultureInfo.InvariantCulture, $"{length}:{written}:{HashSampledBlocks(handle, length):x16}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public string? GetFilePath(string trackRef) => ResolvePath(trackRef);

    /// <summary>The number of blocks the change token samples.</summary>
    internal const int SampledBlockCount = 8;

    /// <summary>The size of each sampled block in bytes.</summary>
    internal const int SampledBlockSize = 4096;

    private static ulong HashSampledBlocks(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length)
    {
        var hash = new System.IO.Hashing.XxHash3();
        var buffer = new byte[SampledBlockSize];
        var span = Math.Max(0, length - SampledBlockSize);
        for (var i = 0; i < SampledBlockCount; i++)
        {
            var offset = span * i / (SampledBlockCount - 1);
            var read = RandomAccess.Read(handle, buffer, offset);
            hash.Append(buffer.AsSpan(0, read));
            if (length <= SampledBlockSize)
            {
                break;
            }
        }

        return hash.GetCurrentHashAsUInt64();
    }
}
