using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

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

    /// <summary>Gets the v1 catalogue: the descriptors listed in docs/descriptors.md, each at calculator version 1.</summary>
    public static DescriptorCatalog Default { get; } = new(
    [
        new("spectrum", "spectrum", 1, "linear", "Magnitude spectrum |X| of each frame, bins 0..N/2."),
        new("spectrum.db", "spectrum", 1, "dB", "Magnitude spectrum in decibels, clamped to the profile's min/max decibels."),
        new("spectrum.bands", "bands", 1, "power", "Energy per band (sum of |X|^2), N bands spaced by the profile's band layout.", (1, 512)),
        new("rms", "time", 1, "linear", "Root mean square of the unwindowed frame."),
        new("peak", "time", 1, "linear", "Largest absolute sample of the unwindowed frame."),
        new("zcr", "time", 1, "ratio", "Zero-crossing rate: sign changes of x > 0 divided by the frame length."),
        new("waveform.minmax", "waveform", 1, "linear", "Minimum and maximum sample per hop, for overview drawing."),
        new("spectral.centroid", "spectral", 1, "Hz", "Magnitude-weighted mean frequency."),
        new("spectral.rolloff", "spectral", 1, "Hz", "Frequency below which 85% of the spectral power lies."),
        new("spectral.flux", "spectral", 1, "linear", "L2 norm of the frame-to-frame magnitude difference."),
        new("spectral.flatness", "spectral", 1, "ratio", "Geometric mean over arithmetic mean of the magnitudes."),
        new("onset.strength", "onset", 1, "linear", "Half-wave rectified log-magnitude flux (novelty function)."),
        new("chroma", "chroma", 1, "linear", "12 pitch classes, bin 0 = C."),
        new("mfcc", "mfcc", 1, "dB", "13 mel-frequency cepstral coefficients."),
    ]);

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
