using System.Text;

namespace AudioVis.Cache.History;

/// <summary>
/// The rules that make a scene id one safe folder name under the exports root, on every operating system the
/// manifests may be copied to (Windows rules apply on Linux and macOS too, so an export folder always round-trips).
/// </summary>
internal static class ExportSceneId
{
    /// <summary>The longest scene id, in UTF-16 characters.</summary>
    public const int MaxLength = 128;

    private const string InvalidCharacters = "<>:\"|?*/\\";

    private static readonly string[] ReservedDeviceNames =
    [
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    ];

    /// <summary>Throws when <paramref name="sceneId"/> cannot be a folder name under the exports root.</summary>
    /// <param name="sceneId">The scene id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sceneId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The scene id breaks a rule; the message quotes it and names the rule.</exception>
    public static void Validate(string? sceneId)
    {
        ArgumentNullException.ThrowIfNull(sceneId);
        if (Problem(sceneId) is { } problem)
        {
            throw new ArgumentException($"Scene id '{Printable(sceneId)}' cannot be an export folder name: {problem}.", nameof(sceneId));
        }
    }

    /// <summary>Combines the exports root and a valid scene id, and checks the folder is directly inside the root.</summary>
    /// <param name="exportsRoot">The full path of the exports root.</param>
    /// <param name="sceneId">A scene id that passed <see cref="Validate"/>.</param>
    /// <returns>The full path of the scene's export folder.</returns>
    /// <exception cref="ArgumentException">The combined path is not a direct child of the root.</exception>
    public static string GetFolder(string exportsRoot, string sceneId)
    {
        var folder = Path.GetFullPath(Path.Combine(exportsRoot, sceneId));
        var parent = Path.GetDirectoryName(folder);

        // Defence in depth: Validate already rules out every way out of the root this check catches.
        if (parent is null || !string.Equals(Path.TrimEndingDirectorySeparator(parent), Path.TrimEndingDirectorySeparator(exportsRoot), StringComparison.Ordinal))
        {
            throw new ArgumentException($"Scene id '{Printable(sceneId)}' resolves to '{folder}', which is not a folder directly inside the exports root '{exportsRoot}'.", nameof(sceneId));
        }

        return folder;
    }

    private static string? Problem(string sceneId)
    {
        if (string.IsNullOrWhiteSpace(sceneId))
        {
            return "it is empty or white space";
        }

        if (sceneId.Length > MaxLength)
        {
            return $"it is {sceneId.Length} characters long, more than {MaxLength}";
        }

        if (sceneId is "." or "..")
        {
            return "'.' and '..' name the current and parent folders";
        }

        if (Path.IsPathRooted(sceneId))
        {
            return "it is a rooted path; use a plain folder name";
        }

        foreach (var c in sceneId)
        {
            if (c == Path.DirectorySeparatorChar || c == Path.AltDirectorySeparatorChar || c is '/' or '\\')
            {
                return $"it contains the path separator '{c}'";
            }

            if (InvalidCharacters.Contains(c, StringComparison.Ordinal))
            {
                return c == ':' ? "it contains ':' (a drive letter or an alternate data stream on Windows)" : $"it contains '{c}', which file names cannot hold on Windows";
            }

            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4}";
            }
        }

        if (sceneId.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) is var i and >= 0)
        {
            return $"it contains U+{(int)sceneId[i]:X4}, which file names cannot hold on this system";
        }

        if (sceneId[^1] is '.' or ' ')
        {
            return "it ends with a dot or a space, which Windows strips from folder names";
        }

        if (!IsWellFormedUtf16(sceneId))
        {
            return "it contains an unpaired surrogate (it is not valid Unicode)";
        }

        var stem = sceneId.AsSpan();
        var dot = stem.IndexOf('.');
        stem = (dot >= 0 ? stem[..dot] : stem).TrimEnd(' ');
        foreach (var reserved in ReservedDeviceNames)
        {
            if (stem.Equals(reserved, StringComparison.OrdinalIgnoreCase))
            {
                return $"'{reserved}' is a reserved device name on Windows (with or without an extension)";
            }
        }

        return null;
    }

    private static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Control characters would make the message itself unreadable; show them as escapes.
    private static string Printable(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Length > MaxLength + 32 ? value.AsSpan(0, MaxLength + 32) : value.AsSpan())
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        }

        return value.Length > MaxLength + 32 ? builder.Append('…').ToString() : builder.ToString();
    }
}
