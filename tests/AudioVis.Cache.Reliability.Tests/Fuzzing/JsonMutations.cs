using System.Text;
using System.Text.Json;
using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>
/// Damaged copies of a valid JSON document: one value (or a whole object or array) replaced by a value of another
/// type, an out-of-range number, an odd string or nothing; a property renamed; or the byte mutations of
/// <see cref="ByteMutations"/>.
/// </summary>
internal static class JsonMutations
{
    private static readonly string[] Replacements =
    [
        "", "null", "0", "-1", "1.5", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e400", "-0", "true", "[]", "{}", "[null]",
        "\"\"", "\" \"", "\"x\"", "\"\\u0000\"", "\"\\uD800\"", "\"../../outside\"", "\"/abs/path\"", "\"CON\"", "\"rms@@L\"", "\"ch99\"", "\"native\"",
        "\"9999-12-31T23:59:59-01:00\"", "\"0001-01-01T00:00:00+01:00\"", "\"2026-11-25T21:00:00Z\"", "\"Status, Descriptor\"", "\"7\"", "7", "99",
        "{\"a\":1}", "[1,2,3]", "\"" + new string('a', 300) + "\"",
    ];

    /// <summary>Mutations of <paramref name="json"/>.</summary>
    public static Gen<byte[]> Of(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var values = ValueSpans(bytes);
        var names = NameSpans(bytes);
        var replaced = Gen.Select(Gen.Int[0, values.Length - 1], Gen.Int[0, Replacements.Length - 1], (i, r) => Splice(bytes, values[i], Replacements[r]));
        var renamed = Gen.Select(Gen.Int[0, names.Length - 1], Gen.Int[0, names.Length - 1], (i, j) =>
            Splice(bytes, names[i], Encoding.UTF8.GetString(bytes, names[j].Start, names[j].End - names[j].Start)));
        return Gen.Frequency(
            (4, replaced),
            (1, replaced.SelectMany(once => Gen.Int[0, Replacements.Length - 1].Select(r => Splice(once, ValueSpans(once) is { Length: > 0 } s ? s[^1] : (0, 0), Replacements[r])))),
            (1, renamed),
            (3, ByteMutations.Of(bytes)));
    }

    private static byte[] Splice(byte[] bytes, (int Start, int End) span, string replacement) =>
        [.. bytes.AsSpan(0, span.Start), .. Encoding.UTF8.GetBytes(replacement), .. bytes.AsSpan(span.End)];

    // Every value token's bytes; an object or array spans to its end.
    private static (int Start, int End)[] ValueSpans(byte[] json)
    {
        var spans = new List<(int, int)>();
        var reader = new Utf8JsonReader(json);
        while (TryRead(ref reader))
        {
            var start = (int)reader.TokenStartIndex;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var end = reader;
                    spans.Add((start, TrySkip(ref end) ? (int)end.BytesConsumed : json.Length));
                    break;
                case JsonTokenType.String:
                    spans.Add((start, (int)reader.BytesConsumed));
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null:
                    spans.Add((start, start + reader.ValueSpan.Length));
                    break;
            }
        }

        return [.. spans];
    }

    private static (int Start, int End)[] NameSpans(byte[] json)
    {
        var spans = new List<(int, int)>();
        var reader = new Utf8JsonReader(json);
        while (TryRead(ref reader))
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                spans.Add((start, start + reader.ValueSpan.Length + 2));
            }
        }

        return [.. spans];
    }

    // A document damaged by an earlier mutation ends the token list where it breaks.
    private static bool TryRead(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TrySkip(ref Utf8JsonReader reader)
    {
        try
        {
            reader.Skip();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
