using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AudioVis.Cache.Analysis;

namespace AudioVis.Cache.Descriptors;

/// <summary>An immutable <see cref="IDescriptorCatalog"/> built from a list of definitions.</summary>
public sealed class DescriptorCatalog : IDescriptorCatalog
{
    private readonly Dictionary<string, DescriptorDefinition> _exact;
    private readonly DescriptorDefinition[] _families;
    private readonly ConcurrentDictionary<string, DescriptorDefinition> _familyMembers = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="DescriptorCatalog"/> class.</summary>
    /// <param name="definitions">The definitions; names (and family prefixes) must be unique.</param>
    /// <exception cref="ArgumentException">Two definitions share a name.</exception>
    public DescriptorCatalog(IEnumerable<DescriptorDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var all = definitions.ToArray();
        _exact = new Dictionary<string, DescriptorDefinition>(StringComparer.Ordinal);
        var families = new List<DescriptorDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in all)
        {
            ArgumentNullException.ThrowIfNull(definition, nameof(definitions));
            if (!names.Add(definition.Name))
            {
                throw new ArgumentException($"The descriptor catalogue has two definitions named '{definition.Name}'.", nameof(definitions));
            }

            if (definition.SuffixRange is null)
            {
                _exact.Add(definition.Name, definition);
            }
            else
            {
                families.Add(definition);
            }
        }

        _families = [.. families];
        Definitions = [.. all.OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Gets the v1 catalogue: the descriptors listed in docs/descriptors.md, at the calculator versions listed there, built from
    /// the built-in calculators.
    /// </summary>
    public static DescriptorCatalog Default { get; } = FromCalculators(BuiltInCalculators.All);

    /// <summary>Builds the catalogue of every descriptor a set of calculators produces.</summary>
    /// <param name="calculators">The calculators; their ids must be unique.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="calculators"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// Two calculators share an id, a definition's calculator id or version differs from its calculator's, or two
    /// definitions name the same descriptor (including a name that is also a member of a family).
    /// </exception>
    public static DescriptorCatalog FromCalculators(IEnumerable<IDescriptorCalculator> calculators)
    {
        ArgumentNullException.ThrowIfNull(calculators);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new List<DescriptorDefinition>();
        foreach (var calculator in calculators)
        {
            ArgumentNullException.ThrowIfNull(calculator, nameof(calculators));
            if (!ids.Add(calculator.Id))
            {
                throw new ArgumentException($"Two calculators have the id '{calculator.Id}'.", nameof(calculators));
            }

            foreach (var definition in calculator.Definitions)
            {
                ArgumentNullException.ThrowIfNull(definition, nameof(calculators));
                if (!string.Equals(definition.CalculatorId, calculator.Id, StringComparison.Ordinal) || definition.CalculatorVersion != calculator.Version)
                {
                    throw new ArgumentException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Descriptor '{definition.Name}' names calculator '{definition.CalculatorId}' v{definition.CalculatorVersion} but is produced by calculator '{calculator.Id}' v{calculator.Version}."),
                        nameof(calculators));
                }

                definitions.Add(definition);
            }
        }

        foreach (var exact in definitions.Where(d => d.SuffixRange is null))
        {
            if (definitions.Find(f => f.SuffixRange is not null && f.Matches(exact.Name)) is { } family)
            {
                throw new ArgumentException(
                    $"Descriptor '{exact.Name}' of calculator '{exact.CalculatorId}' is also a member of the family '{family.Name}' of calculator '{family.CalculatorId}'.",
                    nameof(calculators));
            }
        }

        return new DescriptorCatalog(definitions);
    }

    /// <inheritdoc/>
    public IReadOnlyList<DescriptorDefinition> Definitions { get; }

    /// <inheritdoc/>
    public bool TryGetDefinition(DescriptorId descriptor, [MaybeNullWhen(false)] out DescriptorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (_exact.TryGetValue(descriptor.Name, out definition))
        {
            return true;
        }

        if (_families.Length == 0)
        {
            return false;
        }

        // Only hits are memoised: family members are bounded by the suffix ranges, unknown names are not.
        if (_familyMembers.TryGetValue(descriptor.Name, out definition))
        {
            return true;
        }

        definition = Array.Find(_families, f => f.Matches(descriptor.Name));
        if (definition is null)
        {
            return false;
        }

        _familyMembers.TryAdd(descriptor.Name, definition);
        return true;
    }
}
