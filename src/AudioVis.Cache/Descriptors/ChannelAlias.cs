namespace AudioVis.Cache.Descriptors;

/// <summary>
/// The channel part of a <see cref="DescriptorId"/>: <c>L</c>, <c>R</c>, <c>mid</c>, <c>side</c>, <c>mono</c>
/// or a numbered channel <c>ch1</c> … <c>ch64</c>. The default value is <see cref="Mono"/>.
/// </summary>
public readonly struct ChannelAlias : IEquatable<ChannelAlias>, IComparable<ChannelAlias>
{
    /// <summary>The highest channel number a numbered alias may name.</summary>
    public const int MaxChannelNumber = 64;

    private ChannelAlias(ChannelAliasKind kind, int number)
    {
        Kind = kind;
        Number = number;
    }

    /// <summary>Gets the mono mix-down alias (the mean of all channels); descriptor ids without an alias use it.</summary>
    public static ChannelAlias Mono => default;

    /// <summary>Gets the left channel alias, <c>L</c>.</summary>
    public static ChannelAlias Left => new(ChannelAliasKind.Left, 0);

    /// <summary>Gets the right channel alias, <c>R</c>.</summary>
    public static ChannelAlias Right => new(ChannelAliasKind.Right, 0);

    /// <summary>Gets the mid alias, <c>mid</c> = (L + R) / 2.</summary>
    public static ChannelAlias Mid => new(ChannelAliasKind.Mid, 0);

    /// <summary>Gets the side alias, <c>side</c> = (L − R) / 2.</summary>
    public static ChannelAlias Side => new(ChannelAliasKind.Side, 0);

    /// <summary>Gets the kind of channel.</summary>
    public ChannelAliasKind Kind { get; }

    /// <summary>Gets the 1-based channel number for <see cref="ChannelAliasKind.Numbered"/>; otherwise 0.</summary>
    public int Number { get; }

    /// <summary>Creates the alias of a numbered channel (<c>ch1</c> … <c>ch64</c>).</summary>
    /// <param name="number">The 1-based channel number.</param>
    /// <returns>The alias.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is not in 1…64.</exception>
    public static ChannelAlias Numbered(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, MaxChannelNumber);
        return new ChannelAlias(ChannelAliasKind.Numbered, number);
    }

    /// <summary>Equality of two aliases.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns><see langword="true"/> when both name the same channel.</returns>
    public static bool operator ==(ChannelAlias left, ChannelAlias right) => left.Equals(right);

    /// <summary>Inequality of two aliases.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns><see langword="true"/> when they name different channels.</returns>
    public static bool operator !=(ChannelAlias left, ChannelAlias right) => !left.Equals(right);

    /// <summary>Ordering by the canonical text, ordinal.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <(ChannelAlias left, ChannelAlias right) => left.CompareTo(right) < 0;

    /// <summary>Ordering by the canonical text, ordinal.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >(ChannelAlias left, ChannelAlias right) => left.CompareTo(right) > 0;

    /// <summary>Ordering by the canonical text, ordinal.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <=(ChannelAlias left, ChannelAlias right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering by the canonical text, ordinal.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >=(ChannelAlias left, ChannelAlias right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public bool Equals(ChannelAlias other) => Kind == other.Kind && Number == other.Number;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ChannelAlias other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Number);

    /// <inheritdoc/>
    public int CompareTo(ChannelAlias other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>Returns the canonical text: <c>mono</c>, <c>L</c>, <c>R</c>, <c>mid</c>, <c>side</c> or <c>chN</c>.</summary>
    /// <returns>The canonical text.</returns>
    public override string ToString() => Kind switch
    {
        ChannelAliasKind.Left => "L",
        ChannelAliasKind.Right => "R",
        ChannelAliasKind.Mid => "mid",
        ChannelAliasKind.Side => "side",
        ChannelAliasKind.Numbered => NumberedNames[Number],
        _ => "mono",
    };

    private static readonly string[] NumberedNames =
        Enumerable.Range(0, MaxChannelNumber + 1).Select(n => "ch" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Parses an alias, ignoring case (<c>l</c>, <c>MID</c> and <c>Ch2</c> are accepted).</summary>
    internal static bool TryParse(ReadOnlySpan<char> text, out ChannelAlias alias)
    {
        alias = default;
        if (text.Equals("L", StringComparison.OrdinalIgnoreCase)) { alias = Left; return true; }
        if (text.Equals("R", StringComparison.OrdinalIgnoreCase)) { alias = Right; return true; }
        if (text.Equals("mid", StringComparison.OrdinalIgnoreCase)) { alias = Mid; return true; }
        if (text.Equals("side", StringComparison.OrdinalIgnoreCase)) { alias = Side; return true; }
        if (text.Equals("mono", StringComparison.OrdinalIgnoreCase)) { alias = Mono; return true; }
        if (text.Length is >= 3 and <= 4 && text[..2].Equals("ch", StringComparison.OrdinalIgnoreCase) && text[2] != '0')
        {
            var number = 0;
            foreach (var c in text[2..])
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                number = (number * 10) + (c - '0');
            }

            if (number is >= 1 and <= MaxChannelNumber)
            {
                alias = new ChannelAlias(ChannelAliasKind.Numbered, number);
                return true;
            }
        }

        return false;
    }
}
