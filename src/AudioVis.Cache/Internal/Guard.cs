using System.Runtime.CompilerServices;

namespace AudioVis.Cache.Internal;

/// <summary>Argument checks shared by the public records, with messages that name the offending value.</summary>
internal static class Guard
{
    public const int MaxTrackRefLength = 1024;
    public const int MaxElementIdLength = 256;
    public const int MaxTokenLength = 256;

    public static string TrackRef(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null) =>
        Text(value, MaxTrackRefLength, "Track reference", paramName);

    public static string ElementId(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null) =>
        Text(value, MaxElementIdLength, "Element id", paramName);

    public static string Token(string? value, string what, [CallerArgumentExpression(nameof(value))] string? paramName = null) =>
        Text(value, MaxTokenLength, what, paramName);

    public static string ProfileId(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        return Profiles.AnalysisProfile.IsValidId(value)
            ? value
            : throw new ArgumentException(
                $"Analysis profile id '{value}' is invalid: use 1 to {Profiles.AnalysisProfile.MaxIdLength} ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.",
                paramName);
    }

    private static string Text(string? value, int maxLength, string what, string? paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{what} must not be empty or white space; got '{value}'.", paramName);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{what} '{value[..32]}…' is {value.Length} characters long; at most {maxLength} are allowed.", paramName);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"{what} '{value.ReplaceLineEndings("\\n")}' contains the control character U+{(int)c:X4}.", paramName);
            }
        }

        return value;
    }
}
