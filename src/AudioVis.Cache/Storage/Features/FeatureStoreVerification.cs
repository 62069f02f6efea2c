using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>Checks shared by the feature stores.</summary>
internal static class FeatureStoreVerification
{
    /// <summary>Throws when a verified blob names another entry than the one it was stored under (a path hash collision, a misplaced file).</summary>
    public static void ThrowIfNotFor(FeatureBlob blob, CacheKey key, DescriptorId descriptor, string location) =>
        ThrowIfNotFor(blob.Header, key, descriptor, location);

    /// <summary>Throws when a verified header names another entry than the one it was stored under.</summary>
    public static void ThrowIfNotFor(FeatureBlobHeader header, CacheKey key, DescriptorId descriptor, string location)
    {
        if (!header.Key.Equals(key) || !header.Descriptor.Equals(descriptor))
        {
            throw new CorruptFeatureBlobException(
                location,
                FeatureBlobCorruption.IdentityMismatch,
                $"it holds {header.Descriptor} for '{header.Key}', but was read as {descriptor} for '{key}'.");
        }
    }
}
