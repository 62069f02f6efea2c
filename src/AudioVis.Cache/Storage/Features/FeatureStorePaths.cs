using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// The path layout of <see cref="FileSystemFeatureStore"/> (see docs/feature-blobs.md):
/// <c>&lt;root&gt;/&lt;h[0..2]&gt;/&lt;h&gt;/&lt;profile&gt;/&lt;descriptor&gt;.avcf</c>, where <c>h</c> is the lower-case
/// hexadecimal SHA-256 of the track reference's UTF-8 bytes and profile and descriptor are escaped file-name segments.
/// </summary>
internal static class FeatureStorePaths
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] ReservedNames =
    [
        "con", "prn", "aux", "nul",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    /// <summary>Gets the directory that holds every blob of one {track, profile}.</summary>
    public static string GetKeyDirectory(string root, CacheKey key)
    {
        var hash = HashTrackRef(key.TrackRef);
        return Path.Combine(root, hash[..2], hash, EscapeSegment(key.AnalysisProfileId));
    }

    /// <summary>Gets the file name of a descriptor's blob.</summary>
    public static string GetBlobFileName(DescriptorId descriptor) => EscapeSegment(descriptor.ToString()) + FeatureBlobFormat.FileExtension;

    /// <summary>Recovers the descriptor from a blob file name; <see langword="false"/> for any other file (temporary files included).</summary>
    public static bool TryParseBlobFileName(string fileName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DescriptorId? descriptor)
    {
        descriptor = null;
        if (!fileName.EndsWith(FeatureBlobFormat.FileExtension, StringComparison.Ordinal))
        {
            return false;
        }

        var segment = fileName[..^FeatureBlobFormat.FileExtension.Length];
        if (!TryUnescapeSegment(segment, out var text) || !DescriptorId.TryParse(text, out var parsed))
        {
            return false;
        }

        // Only the exact name this store writes counts: no other spelling of the same id.
        if (!string.Equals(GetBlobFileName(parsed), fileName, StringComparison.Ordinal))
        {
            return false;
        }

        descriptor = parsed;
        return true;
    }

    /// <summary>The lower-case hexadecimal SHA-256 of the track reference's UTF-8 bytes.</summary>
    /// <exception cref="ArgumentException">The track reference holds a lone surrogate.</exception>
    public static string HashTrackRef(string trackRef)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(trackRef);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The track reference '{trackRef}' is not valid UTF-16 (it holds a lone surrogate) and cannot be stored.", nameof(trackRef), e);
        }

        return Convert.ToHexStringLower(SHA256.HashData(utf8));
    }

    /// <summary>
    /// Makes a profile or descriptor id safe as a file-name segment on every file system, case-insensitive ones
    /// included, and reversibly: <c>a-z 0-9 - _ @</c> and inner dots stay; every other byte of the UTF-8 text
    /// (upper-case letters, a trailing dot) becomes <c>%XX</c>; a Windows device name (<c>con</c>, <c>nul</c>, <c>com1</c>…)
    /// before the first dot gets its first letter escaped.
    /// </summary>
    public static string EscapeSegment(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var keep = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'@'
                || (b == (byte)'.' && i != bytes.Length - 1);
            if (keep)
            {
                builder.Append((char)b);
            }
            else
            {
                AppendEscaped(builder, b);
            }
        }

        var escaped = builder.ToString();
        var dot = escaped.IndexOf('.', StringComparison.Ordinal);
        var stem = dot < 0 ? escaped : escaped[..dot];
        return Array.IndexOf(ReservedNames, stem) >= 0 ? AppendEscaped(new StringBuilder(), (byte)escaped[0]).Append(escaped, 1, escaped.Length - 1).ToString() : escaped;
    }

    /// <summary>Reverses <see cref="EscapeSegment"/>.</summary>
    public static bool TryUnescapeSegment(string segment, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        text = null;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length ||
                    !byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    return false;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                return false;
            }
        }

        try
        {
            text = StrictUtf8.GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static StringBuilder AppendEscaped(StringBuilder builder, byte b) =>
        builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
}
