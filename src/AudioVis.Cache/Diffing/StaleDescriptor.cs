using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Diffing;

/// <summary>A stale descriptor and every reason it is stale.</summary>
public sealed record StaleDescriptor
{
    /// <summary>Initializes a new instance of the <see cref="StaleDescriptor"/> class.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="reasons">The reasons, at least one, in a fixed order: profile, source, calculator.</param>
    public StaleDescriptor(DescriptorId descriptor, IReadOnlyList<StaleReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(reasons);
        ArgumentOutOfRangeException.ThrowIfZero(reasons.Count, nameof(reasons));
        Descriptor = descriptor;
        Reasons = reasons;
    }

    /// <summary>Gets the descriptor.</summary>
    public DescriptorId Descriptor { get; }

    /// <summary>Gets the reasons it is stale.</summary>
    public IReadOnlyList<StaleReason> Reasons { get; }

    /// <inheritdoc/>
    public bool Equals(StaleDescriptor? other) => other is not null && Descriptor.Equals(other.Descriptor) && Reasons.SequenceEqual(other.Reasons);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Descriptor, Reasons.Count);
}

/// <summary>The elements that request a descriptor.</summary>
public sealed record DescriptorOwners
{
    /// <summary>Initializes a new instance of the <see cref="DescriptorOwners"/> class.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="elementIds">The ids of the elements that request it, ordered (ordinal).</param>
    public DescriptorOwners(DescriptorId descriptor, IReadOnlyList<string> elementIds)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(elementIds);
        Descriptor = descriptor;
        ElementIds = elementIds;
    }

    /// <summary>Gets the descriptor.</summary>
    public DescriptorId Descriptor { get; }

    /// <summary>Gets the ids of the elements that request it, ordered (ordinal).</summary>
    public IReadOnlyList<string> ElementIds { get; }

    /// <inheritdoc/>
    public bool Equals(DescriptorOwners? other) => other is not null && Descriptor.Equals(other.Descriptor) && ElementIds.SequenceEqual(other.ElementIds, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Descriptor, ElementIds.Count);
}
