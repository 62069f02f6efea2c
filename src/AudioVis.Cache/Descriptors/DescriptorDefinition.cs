using System.Globalization;
using System.Text;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Descriptors;

/// <summary>
/// What the catalogue knows about one descriptor name (or one family of names with a numeric suffix, such as
/// <c>spectrum.bands32</c>): which calculator produces it, at which version, its unit, and the profile parameters its
/// values depend on.
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
    /// <param name="parameterDependencies">
    /// The canonical names (as in <see cref="AnalysisParameters.ToCanonicalPairs"/>, e.g. <c>fft_size</c>) of the profile
    /// parameters the values depend on, in any order; <see langword="null"/> for every parameter (the safe choice when
    /// unsure: a change to an undeclared parameter never makes a cached entry stale).
    /// </param>
    /// <exception cref="ArgumentException">An argument is empty or malformed, or a dependency is not a canonical parameter name.</exception>
    public DescriptorDefinition(
        string name,
        string calculatorId,
        int calculatorVersion,
        string unit,
        string summary,
        (int Min, int Max)? suffixRange = null,
        IEnumerable<string>? parameterDependencies = null)
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
        (ParameterDependencies, DependencyMask) = parameterDependencies is null ? (AllParameters, (1 << AllParameters.Length) - 1) : Canonicalize(parameterDependencies);
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

    /// <summary>
    /// Gets the canonical names of the profile parameters the values depend on, in canonical order (that of
    /// <see cref="AnalysisParameters.ToCanonicalPairs"/>). A profile edit makes a cached entry stale only when it changes
    /// one of these; the stale reason lists only these (docs/intents-and-diffs.md).
    /// </summary>
    public IReadOnlyList<string> ParameterDependencies { get; }

    /// <summary>Gets <see cref="ParameterDependencies"/> as a bit mask over the canonical parameter order (bit i = pair i).</summary>
    internal int DependencyMask { get; }

    // Every canonical parameter name, in canonical order.
    private static string[] AllParameters { get; } = [.. AnalysisParameters.Default.ToCanonicalPairs().Select(p => p.Key)];

    /// <inheritdoc/>
    public bool Equals(DescriptorDefinition? other) =>
        other is not null &&
        string.Equals(Name, other.Name, StringComparison.Ordinal) &&
        string.Equals(CalculatorId, other.CalculatorId, StringComparison.Ordinal) &&
        CalculatorVersion == other.CalculatorVersion &&
        string.Equals(Unit, other.Unit, StringComparison.Ordinal) &&
        string.Equals(Summary, other.Summary, StringComparison.Ordinal) &&
        SuffixRange == other.SuffixRange &&
        DependencyMask == other.DependencyMask;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, CalculatorId, CalculatorVersion, Unit, Summary, SuffixRange, DependencyMask);

    // The generated ToString would print the dependency list's type name; print the names instead.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Name = {Name}, CalculatorId = {CalculatorId}, CalculatorVersion = {CalculatorVersion}, Unit = {Unit}, Summary = {Summary}, SuffixRange = {SuffixRange}, ParameterDependencies = [{string.Join(", ", ParameterDependencies)}]");
        return true;
    }

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

    private static (string[] Names, int Mask) Canonicalize(IEnumerable<string> parameterDependencies)
    {
        var mask = 0;
        foreach (var name in parameterDependencies)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(parameterDependencies));
            var index = Array.IndexOf(AllParameters, name);
            if (index < 0)
            {
                throw new ArgumentException(
                    $"Parameter dependency '{name}' is not a canonical profile parameter name; use one of {string.Join(", ", AllParameters)}.",
                    nameof(parameterDependencies));
            }

            mask |= 1 << index;
        }

        return ([.. AllParameters.Where((_, i) => (mask & (1 << i)) != 0)], mask);
    }
}
