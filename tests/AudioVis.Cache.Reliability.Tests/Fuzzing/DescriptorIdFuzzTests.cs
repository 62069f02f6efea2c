using AudioVis.Cache.Descriptors;
using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>The descriptor id parser (docs/descriptors.md) over near-valid and random text.</summary>
public sealed class DescriptorIdFuzzTests
{
    private static readonly string[] Pieces =
    [
        "spectrum", "bands32", "rms", "onset", "strength", "a", "z9", "_", "x_1", ".", "..", "@", "@@", "L", "R", "l", "mid", "SIDE", "mono",
        "ch", "ch1", "ch64", "ch65", "ch0", "ch01", "ch-1", "ch2147483648", "ch99999999999999999999", "1", "A", "é", "\u0130", "\u212A", " ", "\t", "\0", "\uD800", "🎵",
    ];

    private static readonly Gen<string> Ids = Gen.Frequency(
        (4, Gen.OneOf(Pieces.Select(Gen.Const).ToArray()).Array[0, 12].Select(parts => string.Concat(parts))),
        (2, Gen.Int[100, 140].Select(Gen.OneOf(Gen.Const(""), Gen.Const("@ch64"), Gen.Const("@mono")), (n, channel) => new string('a', n) + channel)),
        (1, Gen.String),
        (1, Gen.Char.Array[0, 20].Select(chars => new string(chars))));

    [Test]
    public void Parse_AnyText_ReturnsACanonicalIdOrThrowsDescriptorIdFormatException() =>
        FuzzHarness.Run(
            "DescriptorId.Parse",
            Ids,
            text =>
            {
                var tried = DescriptorId.TryParse(text, out var viaTry);
                DescriptorId id;
                try
                {
                    id = DescriptorId.Parse(text);
                }
                catch (DescriptorIdFormatException)
                {
                    Assert.That(tried, Is.False, "TryParse agrees with Parse");
                    throw;
                }

                Assert.That(tried, Is.True, "TryParse agrees with Parse");
                Assert.That(viaTry, Is.EqualTo(id));
                Assert.That(DescriptorId.Parse(id.ToString()), Is.EqualTo(id), "the canonical form parses to the same id");
                Assert.That(DescriptorId.Parse(text.AsSpan(), null), Is.EqualTo(id), "the span overload agrees");
            },
            [typeof(DescriptorIdFormatException)],
            text => text,
            fast: 5_000,
            print: text => $"\"{text}\" (UTF-16 {Convert.ToHexString(System.Text.Encoding.Unicode.GetBytes(text))})");
}
