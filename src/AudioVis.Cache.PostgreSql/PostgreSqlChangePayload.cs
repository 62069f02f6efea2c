using System.Globalization;
using System.Text;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// The payload of a change notification: <c>k:&lt;profile length&gt;:&lt;profile id&gt;&lt;track ref&gt;</c> for one
/// {track, profile} key, or <c>*</c> ("resynchronise everything") when the key would not fit PostgreSQL's payload limit
/// (under 8000 bytes). The length prefix keeps any character of a track reference unambiguous.
/// </summary>
internal static class PostgreSqlChangePayload
{
    /// <summary>The payload that asks every listener to invalidate every key.</summary>
    public const string Resync = "*";

    /// <summary>The longest payload sent, in UTF-8 bytes (PostgreSQL rejects 8000 and more).</summary>
    public const int MaxBytes = 7999;

    /// <summary>Encodes a key; <see cref="Resync"/> when it is longer than <paramref name="maxBytes"/> in UTF-8.</summary>
    public static string Encode(CacheKey key, int maxBytes = MaxBytes)
    {
        var payload = string.Create(CultureInfo.InvariantCulture, $"k:{key.AnalysisProfileId.Length}:{key.AnalysisProfileId}{key.TrackRef}");
        return Encoding.UTF8.GetByteCount(payload) <= maxBytes ? payload : Resync;
    }

    /// <summary>Decodes a payload: a key, or <see langword="null"/> for <see cref="Resync"/>; <see langword="false"/> when it is not a payload of this format.</summary>
    public static bool TryDecode(string payload, out CacheKey? key)
    {
        ArgumentNullException.ThrowIfNull(payload);
        key = null;
        if (payload == Resync)
        {
            return true;
        }

        if (!payload.StartsWith("k:", StringComparison.Ordinal))
        {
            return false;
        }

        var colon = payload.IndexOf(':', 2);
        if (colon < 0
            || !int.TryParse(payload.AsSpan(2, colon - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var profileLength)
            || profileLength > payload.Length - colon - 1)
        {
            return false;
        }

        try
        {
            key = new CacheKey(payload[(colon + 1 + profileLength)..], payload.Substring(colon + 1, profileLength));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
