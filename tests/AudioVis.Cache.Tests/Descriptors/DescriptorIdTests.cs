using AudioVis.Cache.Descriptors;
using CsCheck;

namespace AudioVis.Cache.Tests.Descriptors;

public sealed class DescriptorIdTests
{
    [TestCase("rms", "rms", "rms", ChannelAliasKind.Mono, 0)]
    [TestCase("rms@mono", "rms", "rms", ChannelAliasKind.Mono, 0)]
    [TestCase("rms@MONO", "rms", "rms", ChannelAliasKind.Mono, 0)]
    [TestCase("spectrum.bands32@L", "spectrum.bands32@L", "spectrum.bands32", ChannelAliasKind.Left, 0)]
    [TestCase("spectrum.bands32@l", "spectrum.bands32@L", "spectrum.bands32", ChannelAliasKind.Left, 0)]
    [TestCase("rms@r", "rms@R", "rms", ChannelAliasKind.Right, 0)]
    [TestCase("rms@Mid", "rms@mid", "rms", ChannelAliasKind.Mid, 0)]
    [TestCase("onset.strength@SIDE", "onset.strength@side", "onset.strength", ChannelAliasKind.Side, 0)]
    [TestCase("mfcc@CH3", "mfcc@ch3", "mfcc", ChannelAliasKind.Numbered, 3)]
    [TestCase("mfcc@ch64", "mfcc@ch64", "mfcc", ChannelAliasKind.Numbered, 64)]
    [TestCase("a1_b.c_2.d", "a1_b.c_2.d", "a1_b.c_2.d", ChannelAliasKind.Mono, 0)]
    public void Parse_ValidId_ReturnsCanonicalParts(string input, string canonical, string name, ChannelAliasKind kind, int number)
    {
        var id = DescriptorId.Parse(input);

        Assert.Multiple(() =>
        {
            Assert.That(id.ToString(), Is.EqualTo(canonical));
            Assert.That(id.Name, Is.EqualTo(name));
            Assert.That(id.Channel.Kind, Is.EqualTo(kind));
            Assert.That(id.Channel.Number, Is.EqualTo(number));
        });
    }

    [TestCase("", 0, "a lower-case letter (a-z) starting a name segment", "found the end of the text")]
    [TestCase("Rms", 0, "a lower-case letter (a-z) starting a name segment", "found 'R'")]
    [TestCase("1rms", 0, "a lower-case letter (a-z) starting a name segment", "found '1'")]
    [TestCase("spectrum..bands", 9, "a lower-case letter (a-z) starting a name segment", "found '.'")]
    [TestCase("spectrum.", 9, "a lower-case letter (a-z) starting a name segment", "found the end of the text")]
    [TestCase(".rms", 0, "a lower-case letter (a-z) starting a name segment", "found '.'")]
    [TestCase("spectral-flux", 8, "a lower-case letter, digit, '_', '.' or '@'", "found '-'")]
    [TestCase("rms ", 3, "a lower-case letter, digit, '_', '.' or '@'", "found ' '")]
    [TestCase("rmS", 2, "a lower-case letter, digit, '_', '.' or '@'", "found 'S'")]
    [TestCase("@L", 0, "a lower-case letter (a-z) starting a name segment", "found '@'")]
    [TestCase("rms@", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found the end of the text")]
    [TestCase("rms@left", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found 'l'")]
    [TestCase("rms@ch0", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found 'c'")]
    [TestCase("rms@ch65", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found 'c'")]
    [TestCase("rms@ch03", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found 'c'")]
    [TestCase("rms@L@R", 4, "a channel alias (L, R, mid, side, mono or ch1..ch64)", "found 'L'")]
    public void Parse_MalformedId_ThrowsWithPositionAndExpectation(string input, int position, string expected, string found)
    {
        var ex = Assert.Throws<DescriptorIdFormatException>(() => DescriptorId.Parse(input));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Input, Is.EqualTo(input));
            Assert.That(ex.Position, Is.EqualTo(position));
            Assert.That(ex.Expected, Is.EqualTo(expected));
            Assert.That(ex.Message, Is.EqualTo($"Descriptor id '{input}' is malformed at position {position}: expected {expected}, {found}."));
            Assert.That(DescriptorId.TryParse(input, out _), Is.False);
        });
    }

    [Test]
    public void Parse_TooLong_ThrowsNamingTheLimit()
    {
        var input = new string('a', DescriptorId.MaxLength + 1);

        var ex = Assert.Throws<DescriptorIdFormatException>(() => DescriptorId.Parse(input));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Position, Is.EqualTo(DescriptorId.MaxLength));
            Assert.That(ex.Expected, Is.EqualTo("at most 128 characters"));
        });
    }

    [Test]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DescriptorId.Parse(null!), Throws.ArgumentNullException);
            Assert.That(DescriptorId.TryParse(null, out _), Is.False);
        });
    }

    [Test]
    public void Equality_IsOverCanonicalForm()
    {
        var a = DescriptorId.Parse("rms@MID");
        var b = DescriptorId.Parse("rms@mid");

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a == b, Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(DescriptorId.Parse("rms"), Is.Not.EqualTo(DescriptorId.Parse("rms@L")));
            Assert.That(DescriptorId.Parse("rms@mono"), Is.EqualTo(DescriptorId.Parse("rms")));
        });
    }

    [Test]
    public void Order_IsOrdinalOverCanonicalForm()
    {
        var ids = new[] { "zcr", "rms@R", "rms", "Rms".ToLowerInvariant() + "@L", "mfcc@ch10", "mfcc@ch9", "spectrum.bands32@L", "spectrum.bands4" }
            .Select(DescriptorId.Parse).ToList();

        ids.Sort();

        Assert.That(ids.Select(i => i.ToString()), Is.EqualTo(new[] { "mfcc@ch10", "mfcc@ch9", "rms", "rms@L", "rms@R", "spectrum.bands32@L", "spectrum.bands4", "zcr" }));
    }

    [Test]
    public void Create_FromNameAndChannel_EqualsParsed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DescriptorId.Create("spectrum.bands32", ChannelAlias.Left), Is.EqualTo(DescriptorId.Parse("spectrum.bands32@L")));
            Assert.That(DescriptorId.Create("rms", ChannelAlias.Mono).ToString(), Is.EqualTo("rms"));
            Assert.That(DescriptorId.Create("rms", ChannelAlias.Numbered(12)).ToString(), Is.EqualTo("rms@ch12"));
            Assert.That(() => DescriptorId.Create("Bad", ChannelAlias.Left), Throws.TypeOf<DescriptorIdFormatException>().With.Property("Position").EqualTo(0));
            Assert.That(() => ChannelAlias.Numbered(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => ChannelAlias.Numbered(65), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void TryFormat_WritesCanonicalText()
    {
        var id = DescriptorId.Parse("rms@MID");
        Span<char> small = stackalloc char[3];
        Span<char> large = stackalloc char[16];

        var smallOk = id.TryFormat(small, out var smallWritten, default, null);
        var largeOk = id.TryFormat(large, out var largeWritten, default, null);
        var written = large[..largeWritten].ToString();

        Assert.Multiple(() =>
        {
            Assert.That(smallOk, Is.False);
            Assert.That(smallWritten, Is.Zero);
            Assert.That(largeOk, Is.True);
            Assert.That(written, Is.EqualTo("rms@mid"));
            Assert.That($"{id}", Is.EqualTo("rms@mid"));
        });
    }

    private static readonly Gen<string> Segment =
        Gen.Select(Gen.Char['a', 'z'], Gen.String[Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['0', '9'], Gen.Const('_')), 0, 6], (c, s) => c + s);

    private static readonly string[] Aliases = ["", "@L", "@R", "@mid", "@side", "@mono", "@l", "@MID", "@ch1", "@ch64", "@Ch7"];

    private static readonly Gen<string> Alias = Gen.Int[0, Aliases.Length - 1].Select(i => Aliases[i]);

    internal static readonly Gen<string> ValidIdText =
        Gen.Select(Segment.Array[1, 4], Alias, (segments, alias) => string.Join('.', segments) + alias);

    [Test]
    public void Parse_RoundTripsThroughCanonicalText() =>
        ValidIdText.Sample(text =>
        {
            var id = DescriptorId.Parse(text);
            var again = DescriptorId.Parse(id.ToString());
            return again.Equals(id) && again.ToString() == id.ToString() && string.Equals(text, id.ToString(), StringComparison.OrdinalIgnoreCase) == !text.EndsWith("@mono", StringComparison.OrdinalIgnoreCase);
        });

    [Test]
    public void CompareTo_AgreesWithOrdinalTextAndEquality() =>
        Gen.Select(ValidIdText, ValidIdText).Sample((a, b) =>
        {
            var x = DescriptorId.Parse(a);
            var y = DescriptorId.Parse(b);
            var expected = Math.Sign(string.CompareOrdinal(x.ToString(), y.ToString()));
            return Math.Sign(x.CompareTo(y)) == expected && (expected == 0) == x.Equals(y);
        });
}
