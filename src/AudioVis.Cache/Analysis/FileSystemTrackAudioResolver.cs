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
    public string? GetChangeToken(string trackRef)
    {
        var file = new FileInfo(ResolvePath(trackRef));
        return file.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}")
            : null;
    }
}
