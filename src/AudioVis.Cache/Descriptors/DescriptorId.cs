using System.Diagnostics.CodeAnalysis;

namespace AudioVis.Cache.Descriptors;

/// <summary>
/// A fully-qualified audio descriptor id with an optional channel alias, such as <c>spectrum.bands32@L</c>,
/// <c>rms@mid</c> or <c>onset.strength</c>.
/// </summary>
/// <remarks>
/// <para>Grammar (see docs/descriptors.md):</para>
/// <code>
/// descriptor-id = name [ "@" channel ]
/// name          = segment *( "." segment )          ; at most 128 characters in all
/// segment       = %x61-7A *( %x61-7A / DIGIT / "_" ) ; starts with a lower-case letter
/// channel       = "L" / "R" / "mid" / "side" / "mono" / "ch" 1-64   ; case-insensitive
/// </code>
/// <para>
/// The canonical form spells channel aliases <c>L</c>, <c>R</c>, <c>mid</c>, <c>side</c>, <c>chN</c> and omits
/// <c>@mono</c>, the default channel: <c>rms@MONO</c> and <c>rms</c> are the same id. Equality, hashing and
/// ordering are ordinal over the canonical form, so sorted lists of ids are identical on every machine.
/// </para>
/// </remarks>
public sealed class DescriptorId : IEquatable<DescriptorId>, IComparable<DescriptorId>, IComparable, ISpanFormattable, ISpanParsable<DescriptorId>
{
    /// <summary>The maximum length of a descriptor id, channel alias included.</summary>
    public const int MaxLength = 128;

    private const string ExpectedSegmentStart = "a lower-case letter (a-z) starting a name segment";
    private const string ExpectedSegmentChar = "a lower-case letter, digit, '_', '.' or '@'";
    private const string ExpectedChannel = "a channel alias (L, R, mid, side, mono or ch1..ch64)";

    private readonly string _value;
    private readonly int _hashCode;

    private DescriptorId(string name, ChannelAlias channel, string value)
    {
        Name = name;
        Channel = channel;
        _value = value;
        _hashCode = StringComparer.Ordinal.GetHashCode(value);
    }

    /// <summary>Gets the descriptor name without the channel alias, e.g. <c>spectrum.bands32</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the channel the descriptor is computed on; <see cref="ChannelAlias.Mono"/> when the id has no alias.</summary>
    public ChannelAlias Channel { get; }

    /// <summary>Creates an id from a validated name and a channel.</summary>
    /// <param name="name">The descriptor name, e.g. <c>spectral.centroid</c>.</param>
    /// <param name="channel">The channel.</param>
    /// <returns>The id.</returns>
    /// <exception cref="DescriptorIdFormatException"><paramref name="name"/> is not a valid name.</exception>
    public static DescriptorId Create(string name, ChannelAlias channel)
    {
        ArgumentNullException.ThrowIfNull(name);
        var error = ValidateName(name, name.Length);
        if (error is { } e)
        {
            throw new DescriptorIdFormatException(name, e.Position, e.Expected);
        }

        var value = channel.Kind == ChannelAliasKind.Mono ? name : name + "@" + channel.ToString();
        if (value.Length > MaxLength)
        {
            throw new DescriptorIdFormatException(value, MaxLength, $"at most {MaxLength} characters");
        }

        return new DescriptorId(name, channel, value);
    }

    /// <summary>Parses a descriptor id.</summary>
    /// <param name="s">The text to parse.</param>
    /// <returns>The id in canonical form.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is <see langword="null"/>.</exception>
    /// <exception cref="DescriptorIdFormatException">The text breaks the grammar; the exception gives the position and what was expected.</exception>
    public static DescriptorId Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var result = TryParseCore(s, out var id);
        return result is { } error ? throw new DescriptorIdFormatException(s, error.Position, error.Expected) : id!;
    }

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    public static DescriptorId Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Parses a descriptor id from a span.</summary>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <returns>The id in canonical form.</returns>
    /// <exception cref="DescriptorIdFormatException">The text breaks the grammar.</exception>
    public static DescriptorId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s.ToString());

    /// <summary>Tries to parse a descriptor id.</summary>
    /// <param name="s">The text to parse.</param>
    /// <param name="result">The id in canonical form, when parsing succeeds.</param>
    /// <returns><see langword="true"/> when <paramref name="s"/> follows the grammar.</returns>
    public static bool TryParse([NotNullWhen(true)] string? s, [MaybeNullWhen(false)] out DescriptorId result)
    {
        result = null;
        return s is not null && TryParseCore(s, out result) is null;
    }

    /// <inheritdoc cref="TryParse(string?, out DescriptorId)"/>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <param name="result">The id in canonical form, when parsing succeeds.</param>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out DescriptorId result)
        => TryParse(s, out result);

    /// <inheritdoc cref="TryParse(string?, out DescriptorId)"/>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <param name="result">The id in canonical form, when parsing succeeds.</param>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, [MaybeNullWhen(false)] out DescriptorId result)
        => TryParse(s.ToString(), out result);

    /// <summary>Equality of two ids (ordinal, canonical form).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when both are equal or both are <see langword="null"/>.</returns>
    public static bool operator ==(DescriptorId? left, DescriptorId? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality of two ids (ordinal, canonical form).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(DescriptorId? left, DescriptorId? right) => !(left == right);

    /// <summary>Ordinal ordering of the canonical forms; <see langword="null"/> sorts first.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <(DescriptorId? left, DescriptorId? right) => Compare(left, right) < 0;

    /// <summary>Ordinal ordering of the canonical forms; <see langword="null"/> sorts first.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >(DescriptorId? left, DescriptorId? right) => Compare(left, right) > 0;

    /// <summary>Ordinal ordering of the canonical forms; <see langword="null"/> sorts first.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <=(DescriptorId? left, DescriptorId? right) => Compare(left, right) <= 0;

    /// <summary>Ordinal ordering of the canonical forms; <see langword="null"/> sorts first.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >=(DescriptorId? left, DescriptorId? right) => Compare(left, right) >= 0;

    /// <summary>Returns the canonical form, e.g. <c>spectrum.bands32@L</c>.</summary>
    /// <returns>The canonical text.</returns>
    public override string ToString() => _value;

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => _value;

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (_value.TryCopyTo(destination))
        {
            charsWritten = _value.Length;
            return true;
        }

        charsWritten = 0;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(DescriptorId? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hashCode == other._hashCode && string.Equals(_value, other._value, StringComparison.Ordinal)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DescriptorId);

    /// <inheritdoc/>
    public override int GetHashCode() => _hashCode;

    /// <inheritdoc/>
    public int CompareTo(DescriptorId? other) => other is null ? 1 : string.CompareOrdinal(_value, other._value);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        DescriptorId other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(DescriptorId)}.", nameof(obj)),
    };

    private static int Compare(DescriptorId? left, DescriptorId? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    // Parsed ids are shared per input text (bounded), so the same id parsed by many elements is one instance:
    // no allocation on re-parse, and equality short-circuits on reference.
    private const int InternCapacity = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DescriptorId> Interned = new(StringComparer.Ordinal);

    private static (int Position, string Expected)? TryParseCore(string s, out DescriptorId? id)
    {
        if (Interned.TryGetValue(s, out id))
        {
            return null;
        }

        var error = TryParseUncached(s, out id);
        if (error is null && Interned.Count < InternCapacity)
        {
            id = Interned.GetOrAdd(s, id!);
        }

        return error;
    }

    private static (int Position, string Expected)? TryParseUncached(string s, out DescriptorId? id)
    {
        id = null;
        if (s.Length > MaxLength)
        {
            return (MaxLength, $"at most {MaxLength} characters");
        }

        var at = s.IndexOf('@', StringComparison.Ordinal);
        var nameLength = at < 0 ? s.Length : at;
        if (ValidateName(s, nameLength) is { } nameError)
        {
            return nameError;
        }

        var channel = ChannelAlias.Mono;
        if (at >= 0)
        {
            var aliasText = s.AsSpan(at + 1);
            if (!ChannelAlias.TryParse(aliasText, out channel))
            {
                return (at + 1, ExpectedChannel);
            }
        }

        var name = at < 0 ? s : s[..at];
        var canonical = channel.Kind == ChannelAliasKind.Mono ? name : name + "@" + channel.ToString();
        id = new DescriptorId(name, channel, string.Equals(canonical, s, StringComparison.Ordinal) ? s : canonical);
        return null;
    }

    private static (int Position, string Expected)? ValidateName(string s, int length)
    {
        var segmentStart = true;
        for (var i = 0; i < length; i++)
        {
            var c = s[i];
            if (segmentStart)
            {
                if (!char.IsAsciiLetterLower(c))
                {
                    return (i, ExpectedSegmentStart);
                }

                segmentStart = false;
            }
            else if (c == '.')
            {
                segmentStart = true;
            }
            else if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return (i, ExpectedSegmentChar);
            }
        }

        return segmentStart ? (length, ExpectedSegmentStart) : null;
    }
}
