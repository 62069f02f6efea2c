using System.Text;

namespace AudioVis.Cache.Sqlite;

/// <summary>
/// SQLite stores text as UTF-8, so a string with a lone surrogate (valid in .NET, not in Unicode) would come back
/// changed: identity fields that would not round-trip are rejected before anything is written.
/// </summary>
internal static class SqliteText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void RequireStorable(string value, string what, string paramName)
    {
        if (Ascii.IsValid(value))
        {
            return;
        }

        try
        {
            _ = Strict.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"{what} '{value}' contains a lone UTF-16 surrogate at index {ex.Index}, which SQLite's UTF-8 text cannot store unchanged.", paramName, ex);
        }
    }
}
