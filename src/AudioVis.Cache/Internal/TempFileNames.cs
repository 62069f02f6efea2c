using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AudioVis.Cache.Internal;

/// <summary>
/// Names of the temporary files an atomic write goes through: <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c>,
/// unique per node and process, so writers on several machines sharing one folder (NFS, SMB) never collide, and a sweep
/// can tell whose file it is (see docs/feature-blobs.md, "Shared folders").
/// </summary>
/// <remarks>
/// The host is the machine name reduced to <c>a-z 0-9 -</c> (no dots, so the name parses from the right), at most
/// <see cref="MaxHostLength"/> characters: a longer name keeps its start and ends with a hash of the whole, so two long
/// names that share a prefix stay apart. The target's name is shortened (never the owner part) so the whole name stays
/// within <see cref="MaxFileNameBytes"/> UTF-8 bytes, the limit of ext4, XFS, NTFS, NFS and SMB.
/// </remarks>
internal static class TempFileNames
{
    /// <summary>The longest host part.</summary>
    public const int MaxHostLength = 32;

    /// <summary>The longest file name, in UTF-8 bytes.</summary>
    public const int MaxFileNameBytes = 255;

    private const string Extension = ".tmp";
    private const int RandomHexLength = 16;

    /// <summary>Gets this machine's host part.</summary>
    public static string LocalHost { get; } = SanitizeHost(Environment.MachineName);

    /// <summary>A new temporary file name for <paramref name="fileName"/>, owned by this machine and process.</summary>
    /// <param name="fileName">The name (not the path) of the file being replaced.</param>
    /// <returns>The temporary file's name.</returns>
    public static string Create(string fileName) => Create(fileName, LocalHost, Environment.ProcessId);

    /// <summary>A new temporary file name for <paramref name="fileName"/>, owned by <paramref name="host"/> and <paramref name="processId"/>.</summary>
    /// <param name="fileName">The name of the file being replaced.</param>
    /// <param name="host">The host part, as <see cref="SanitizeHost"/> returns it.</param>
    /// <param name="processId">The writer's process id.</param>
    /// <returns>The temporary file's name.</returns>
    public static string Create(string fileName, string host, int processId)
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomHexLength / 2));
        var owner = string.Create(CultureInfo.InvariantCulture, $".{host}.{processId}.{random}{Extension}");
        var budget = MaxFileNameBytes - 1 - Encoding.UTF8.GetByteCount(owner);
        return "." + Truncate(fileName, budget) + owner;
    }

    /// <summary>
    /// Reduces a machine name to the host part of a temporary file name: lower-case ASCII letters and digits kept, every other
    /// character a <c>-</c>; at most <see cref="MaxHostLength"/> characters; <c>unknown</c> when nothing is left.
    /// </summary>
    /// <param name="machineName">The machine name.</param>
    /// <returns>The host part.</returns>
    public static string SanitizeHost(string? machineName)
    {
        if (string.IsNullOrEmpty(machineName))
        {
            return "unknown";
        }

        var builder = new StringBuilder(machineName.Length);
        foreach (var c in machineName)
        {
            var lower = char.ToLowerInvariant(c);
            builder.Append(lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? lower : '-');
        }

        var host = builder.ToString();
        if (host.Length <= MaxHostLength)
        {
            return host;
        }

        // Keep the start (readable) and a hash of the whole (distinct): 23 + '-' + 8 = 32.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(machineName)))[..8];
        return string.Concat(host.AsSpan(0, MaxHostLength - 9), "-", hash);
    }

    /// <summary>
    /// Whether a file name is a temporary file of an atomic write (<c>.*.tmp</c>), and if so whose: the host and process id
    /// of this format, or neither for the older <c>.&lt;name&gt;.&lt;guid&gt;.tmp</c> names and any other <c>.*.tmp</c>.
    /// </summary>
    /// <param name="fileName">The file name (not a path).</param>
    /// <param name="owner">The owner, or <see langword="null"/> when the name does not say.</param>
    /// <returns><see langword="true"/> for a temporary file.</returns>
    public static bool TryParse(string fileName, out TempFileOwner? owner)
    {
        owner = null;
        if (fileName.Length <= 1 + Extension.Length || fileName[0] != '.' || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = fileName[1..^Extension.Length].Split('.');
        if (parts.Length >= 4 &&
            parts[^1].Length == RandomHexLength && IsLowerHex(parts[^1]) &&
            parts[^2].Length is > 0 and <= 10 && parts[^2].All(char.IsAsciiDigit) &&
            int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var processId) &&
            parts[^3].Length is > 0 and <= MaxHostLength && parts[^3].All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            owner = new TempFileOwner(parts[^3], processId);
        }

        return true;
    }

    private static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }

    private static bool IsLowerHex(string text) => text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>The writer a temporary file belongs to, as its name says.</summary>
/// <param name="Host">The host part (a sanitised machine name).</param>
/// <param name="ProcessId">The writer's process id.</param>
internal sealed record TempFileOwner(string Host, int ProcessId);
