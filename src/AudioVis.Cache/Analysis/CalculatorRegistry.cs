using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis;

/// <summary>Maps a descriptor id to the calculator that produces it, through the catalogue built from the calculators.</summary>
internal sealed class CalculatorRegistry
{
    private readonly Dictionary<string, IDescriptorCalculator> _byId;

    /// <summary>Initializes a new instance of the <see cref="CalculatorRegistry"/> class.</summary>
    /// <param name="calculators">The calculators; see <see cref="DescriptorCatalog.FromCalculators"/> for the rules they must follow.</param>
    /// <exception cref="ArgumentException">Two calculators share an id or a descriptor name, or a definition does not match its calculator.</exception>
    public CalculatorRegistry(IEnumerable<IDescriptorCalculator> calculators)
    {
        ArgumentNullException.ThrowIfNull(calculators);
        var all = calculators.ToArray();
        Catalog = DescriptorCatalog.FromCalculators(all);
        _byId = all.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Calculators = all;
    }

    /// <summary>Gets the registry of <see cref="BuiltInCalculators.All"/>.</summary>
    public static CalculatorRegistry BuiltIn { get; } = new(BuiltInCalculators.All);

    /// <summary>Gets the catalogue of every descriptor the calculators produce.</summary>
    public DescriptorCatalog Catalog { get; }

    /// <summary>Gets the calculators, in the order given.</summary>
    public IReadOnlyList<IDescriptorCalculator> Calculators { get; }

    /// <summary>Finds the calculator of a descriptor (its channel alias is not part of the lookup).</summary>
    public bool TryGetCalculator(DescriptorId descriptor, [MaybeNullWhen(false)] out IDescriptorCalculator calculator)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (Catalog.TryGetDefinition(descriptor, out var definition))
        {
            calculator = _byId[definition.CalculatorId];
            return true;
        }

        calculator = null;
        return false;
    }

    /// <summary>Creates the computer of a descriptor for one {track, profile}.</summary>
    /// <exception cref="ArgumentException">No calculator produces <paramref name="descriptor"/>.</exception>
    public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context) =>
        TryGetCalculator(descriptor, out var calculator)
            ? calculator.CreateComputer(descriptor, context)
            : throw new ArgumentException($"No calculator produces descriptor '{descriptor}'.", nameof(descriptor));
}
