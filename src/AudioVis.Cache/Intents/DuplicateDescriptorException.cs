using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Intents;

/// <summary>An analysis intent lists the same descriptor twice (after canonicalisation: <c>rms</c> and <c>rms@mono</c> are the same).</summary>
public sealed class DuplicateDescriptorException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="DuplicateDescriptorException"/> class.</summary>
    /// <param name="elementId">The element whose intent lists the descriptor twice.</param>
    /// <param name="descriptor">The duplicated descriptor.</param>
    public DuplicateDescriptorException(string elementId, DescriptorId descriptor)
        : base($"The analysis intent of element '{elementId}' lists descriptor '{descriptor}' more than once.", "descriptors")
    {
        ElementId = elementId;
        Descriptor = descriptor;
    }

    /// <summary>Gets the element whose intent lists the descriptor twice.</summary>
    public string ElementId { get; }

    /// <summary>Gets the duplicated descriptor.</summary>
    public DescriptorId Descriptor { get; }
}
