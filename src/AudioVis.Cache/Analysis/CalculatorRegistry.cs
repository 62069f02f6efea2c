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
        : this(calculators, null)
    {
    }

    private CalculatorRegistry(IEnumerable<IDescriptorCalculator> calculators, DescriptorCatalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(calculators);
        var all = calculators.ToArray();
        Catalog = catalog ?? DescriptorCatalog.FromCalculators(all);
        _byId = all.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Calculators = all;
    }

    /// <summary>Gets the registry of <see cref="BuiltInCalculators.All"/>; its catalogue is <see cref="DescriptorCatalog.Default"/>.</summary>
    public static CalculatorRegistry BuiltIn { get; } = new(BuiltInCalculators.All, DescriptorCatalog.Default);

    /// <summary>
    /// Builds the registry of the built-in calculators followed by the host's (in registration order); with none, <see cref="BuiltIn"/>.
    /// The same instance registered twice counts once.
    /// </summary>
    /// <param name="hostCalculators">The calculators the host registered.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="ArgumentException">
    /// A host calculator's id is malformed, is a built-in calculator's id or another host calculator's, or its definitions
    /// break a rule of <see cref="DescriptorCatalog.FromCalculators"/>; the message names the id.
    /// </exception>
    public static CalculatorRegistry WithHostCalculators(IEnumerable<IDescriptorCalculator> hostCalculators)
    {
        ArgumentNullException.ThrowIfNull(hostCalculators);
        var hosts = new List<IDescriptorCalculator>();
        foreach (var calculator in hostCalculators)
        {
            ArgumentNullException.ThrowIfNull(calculator, nameof(hostCalculators));
            if (!hosts.Exists(c => ReferenceEquals(c, calculator)))
            {
                hosts.Add(calculator);
            }
        }

        if (hosts.Count == 0)
        {
            return BuiltIn;
        }

        for (var i = 0; i < hosts.Count; i++)
        {
            CheckHostCalculatorId(hosts[i], nameof(hostCalculators));
            var first = hosts.FindIndex(c => string.Equals(c.Id, hosts[i].Id, StringComparison.Ordinal));
            if (first < i)
            {
                throw new ArgumentException(
                    $"Calculator id '{hosts[i].Id}' is registered twice, by {hosts[first].GetType().FullName} and {hosts[i].GetType().FullName}; give each calculator its own id.",
                    nameof(hostCalculators));
            }
        }

        try
        {
            return new CalculatorRegistry([.. BuiltInCalculators.All, .. hosts]);
        }
        catch (ArgumentException ex)
        {
            var reason = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"The calculators registered by the host do not fit the catalogue: {reason}", nameof(hostCalculators), ex);
        }
    }

    /// <summary>
    /// Checks the id of a calculator the host registers: it follows the descriptor name grammar (docs/descriptors.md: dot-separated
    /// segments of a lower-case letter then lower-case letters, digits or <c>_</c>) and is not a built-in calculator's id.
    /// </summary>
    /// <param name="calculator">The calculator.</param>
    /// <param name="paramName">The parameter named in the exception.</param>
    /// <exception cref="ArgumentException">The id is malformed or taken by a built-in calculator; the message names it.</exception>
    public static void CheckHostCalculatorId(IDescriptorCalculator calculator, string paramName)
    {
        ArgumentNullException.ThrowIfNull(calculator, paramName);
        var id = calculator.Id;
        if (id is null
            || !DescriptorId.TryParse(id, out var parsed)
            || parsed.Channel.Kind != ChannelAliasKind.Mono
            || !string.Equals(parsed.Name, id, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Calculator id '{id}' of {calculator.GetType().FullName} is malformed: use dot-separated segments of a lower-case letter followed by lower-case letters, digits or '_' (the descriptor name grammar of docs/descriptors.md).",
                paramName);
        }

        if (BuiltIn._byId.ContainsKey(id))
        {
            throw new ArgumentException(
                $"Calculator id '{id}' of {calculator.GetType().FullName} is the id of a built-in calculator; give the host's calculator its own id.",
                paramName);
        }
    }

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
