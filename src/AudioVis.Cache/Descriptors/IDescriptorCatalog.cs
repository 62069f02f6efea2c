using System.Diagnostics.CodeAnalysis;

namespace AudioVis.Cache.Descriptors;

/// <summary>The descriptors the library can compute, and the calculator version that computes each.</summary>
/// <remarks>
/// The differ reports requested descriptors the catalogue does not know in <see cref="Diffing.CacheDiff.Unknown"/>,
/// and marks cached entries stale when their calculator id or version differs from the catalogue's.
/// </remarks>
public interface IDescriptorCatalog
{
    /// <summary>Gets every definition, ordered by name (ordinal).</summary>
    IReadOnlyList<DescriptorDefinition> Definitions { get; }

    /// <summary>Finds the definition of a descriptor id (its channel alias is not part of the lookup).</summary>
    /// <param name="descriptor">The descriptor id.</param>
    /// <param name="definition">The definition, when the catalogue knows the descriptor.</param>
    /// <returns><see langword="true"/> when the catalogue knows the descriptor.</returns>
    bool TryGetDefinition(DescriptorId descriptor, [MaybeNullWhen(false)] out DescriptorDefinition definition);
}
