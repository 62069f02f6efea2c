using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Analysis;

/// <summary>An analysis request names a descriptor no calculator produces; the analysis stops before any audio is read or anything is written.</summary>
public sealed class UnknownDescriptorException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="UnknownDescriptorException"/> class.</summary>
    /// <param name="key">The {track, profile} of the request.</param>
    /// <param name="descriptor">The unknown descriptor.</param>
    public UnknownDescriptorException(CacheKey key, DescriptorId descriptor)
        : base($"No calculator produces descriptor '{descriptor}' requested for {key}; nothing was analysed or written.")
    {
        Key = key;
        Descriptor = descriptor;
    }

    /// <summary>Gets the {track, profile} of the request.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the unknown descriptor.</summary>
    public DescriptorId Descriptor { get; }
}
