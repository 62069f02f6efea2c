namespace AudioVis.Cache.Descriptors;

/// <summary>
/// What the catalogue knows about one descriptor name (or one family of names with a numeric suffix, such as
/// <c>spectrum.bands32</c>): which calculator produces it, at which version, and its unit.
/// </summary>
public sealed record DescriptorDefinition
{
    /// <summary>Initializes a new instance of the <see cref="DescriptorDefinition"/> class.</summary>
    /// <param name="name">
    /// The descriptor name, e.g. <c>spectral.centroid</c>; for a family, the name without its numeric suffix
    /// (e.g. <c>spectrum.bands</c>) together with <paramref name="suffixRange"/>.
    /// </param>
    /// <param name="calculatorId">The id of the calculator that produces the descriptor.</param>
    /// <param name="calculatorVersion">The calculator's version; bumping it makes cached entries stale.</param>
    /// <param name="unit">The unit of the values, e.g. <c>Hz</c>, <c>dB</c> or <c>linear</c>.</param>
    /// <param name="summary">One sentence describing the descriptor.</param>
    /// <param name="suffixRange">For a family: the inclusive range of the numeric suffix; otherwise <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An argument is empty or malformed.</exception>
    public DescriptorDefinition(string name, string calculatorId, int calculatorVersion, string unit, string summary, (int Min, int Max)? suffixRange = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(calculatorId);
        ArgumentOutOfRangeException.ThrowIfNegative(calculatorVersion);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(summary);
        if (!DescriptorId.TryParse(name, out var parsed) || parsed.Channel.Kind != ChannelAliasKind.Mono || !string.Equals(parsed.Name, name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Descriptor definition name '{name}' is not a valid descriptor name (see docs/descriptors.md).", nameof(name));
        }

        if (suffixRange is { } range && (range.Min < 1 || range.Max < range.Min))
        {
            throw new ArgumentOutOfRangeException(nameof(suffixRange), $"Suffix range {range.Min}..{range.Max} of '{name}' must satisfy 1 <= min <= max.");
        }

        Name = name;
        CalculatorId = calculatorId;
        CalculatorVersion = calculatorVersion;
        Unit = unit;
        Summary = summary;
        SuffixRange = suffixRange;
    }

    /// <summary>Gets the descriptor name, or the family prefix when <see cref="SuffixRange"/> is set.</summary>
    public string Name { get; }

    /// <summary>Gets the id of the calculator that produces the descriptor.</summary>
    public string CalculatorId { get; }

    /// <summary>Gets the calculator's version.</summary>
    public int CalculatorVersion { get; }

    /// <summary>Gets the unit of the values.</summary>
    public string Unit { get; }

    /// <summary>Gets one sentence describing the descriptor.</summary>
    public string Summary { get; }

    /// <summary>Gets the inclusive range of the numeric suffix for a family of names; <see langword="null"/> for a single name.</summary>
    public (int Min, int Max)? SuffixRange { get; }

    /// <summary>Tells whether a descriptor name belongs to this definition.</summary>
    /// <param name="descriptorName">A descriptor name without a channel alias.</param>
    /// <returns><see langword="true"/> when the name is this definition's name or a member of its family.</returns>
    public bool Matches(string descriptorName)
    {
        ArgumentNullException.ThrowIfNull(descriptorName);
        if (SuffixRange is not { } range)
        {
            return string.Equals(descriptorName, Name, StringComparison.Ordinal);
        }

        if (descriptorName.Length <= Name.Length || !descriptorName.StartsWith(Name, StringComparison.Ordinal))
        {
            return false;
        }

        var suffix = descriptorName.AsSpan(Name.Length);
        if (suffix[0] == '0' || suffix.Length > 9)
        {
            return false;
        }

        var value = 0;
        foreach (var c in suffix)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value >= range.Min && value <= range.Max;
    }
}
