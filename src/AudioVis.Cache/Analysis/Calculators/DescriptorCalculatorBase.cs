using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>Shared plumbing of the built-in calculators: the definitions and the check that a descriptor is one of them.</summary>
internal abstract class DescriptorCalculatorBase : IDescriptorCalculator
{
    private readonly DescriptorDefinition[] _definitions;

    protected DescriptorCalculatorBase(string id, int version, params ReadOnlySpan<(string Name, string Unit, string Summary, string[] Dependencies)> descriptors)
    {
        Id = id;
        Version = version;
        _definitions = new DescriptorDefinition[descriptors.Length];
        for (var i = 0; i < descriptors.Length; i++)
        {
            var (name, unit, summary, dependencies) = descriptors[i];
            _definitions[i] = new DescriptorDefinition(name, id, version, unit, summary, SuffixRangeOf(name), dependencies);
        }
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public int Version { get; }

    /// <inheritdoc/>
    public IReadOnlyList<DescriptorDefinition> Definitions => _definitions;

    /// <inheritdoc/>
    public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(context);
        var definition = Array.Find(_definitions, d => d.Matches(descriptor.Name))
            ?? throw new ArgumentException(
                $"The '{Id}' calculator does not produce descriptor '{descriptor}'; it produces {string.Join(", ", _definitions.Select(Describe))}.",
                nameof(descriptor));
        return CreateComputer(definition, descriptor.Name, context);
    }

    /// <summary>Gets the suffix range of a family name, or <see langword="null"/> for a single name.</summary>
    protected virtual (int Min, int Max)? SuffixRangeOf(string name) => null;

    /// <summary>Creates the computer of a descriptor already known to be one of <see cref="Definitions"/>.</summary>
    protected abstract IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context);

    private static string Describe(DescriptorDefinition definition) => definition.SuffixRange is { } range
        ? $"'{definition.Name}{range.Min}'…'{definition.Name}{range.Max}'"
        : $"'{definition.Name}'";
}
