using System.Globalization;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// PostgreSQL text is UTF-8 without NUL characters: a .NET string holding U+0000 or a lone surrogate cannot be stored
/// unchanged, so such values are rejected before anything is written.
/// </summary>
internal static class PostgreSqlText
{
    public static void RequireStorable(string? value, string what, string paramName)
    {
        if (value is null)
        {
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? problem = null;
            if (c == '\0')
            {
                problem = "a NUL character (U+0000), which PostgreSQL text cannot hold";
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                problem = "a lone UTF-16 surrogate, which PostgreSQL's UTF-8 text cannot store unchanged";
            }

            if (problem is not null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} '{value}' contains {problem} at index {i}."), paramName);
            }
        }
    }

    /// <summary>Checks the free-text fields of a metadata batch (identifiers have grammars that exclude the rest).</summary>
    public static void RequireStorable(CacheKey key, IReadOnlyList<CacheMetadataRecord> records)
    {
        RequireStorable(key.TrackRef, "Track reference", nameof(key));
        foreach (var record in records)
        {
            RequireStorable(record.SourceContentHash, "Source content hash", nameof(records));
            RequireStorable(record.CalculatorId, "Calculator id", nameof(records));
        }
    }

    /// <summary>Checks the free-text fields of a history batch.</summary>
    public static void RequireStorable(IReadOnlyList<HistoryEntry> entries)
    {
        foreach (var entry in entries)
        {
            RequireStorable(entry.TrackRef, "Track reference", nameof(entries));
            RequireStorable(entry.TriggerDetail, "Trigger detail", nameof(entries));
            RequireStorable(entry.ErrorType, "Error type", nameof(entries));
            RequireStorable(entry.ErrorMessage, "Error message", nameof(entries));
            foreach (var element in entry.ElementIds)
            {
                RequireStorable(element, "Element id", nameof(entries));
            }
        }
    }
}
