using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// A cheap check of one stored blob, for start-up verification (<see cref="ICacheMaintenance.VerifyBlobsAsync"/>): whether it
/// exists, and whether its header and length are a valid blob's for the entry it is stored under, without reading its values
/// (<see cref="FeatureBlobFormat.CheckStructureAsync"/>). Changed values are found by reads and scans, which checksum.
/// </summary>
internal interface IFeatureBlobStructureCheck
{
    /// <summary>Checks one blob's existence and structure.</summary>
    ValueTask<FeatureBlobCheck> CheckStructureAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IFeatureBlobStructureCheck.CheckStructureAsync"/>.</summary>
/// <param name="Exists">Whether a blob is stored.</param>
/// <param name="Corruption">What is wrong with its structure; <see langword="null"/> when it is sound (or missing).</param>
/// <param name="Location">Where the blob is (or would be) stored.</param>
/// <param name="Header">The blob's header when its structure is sound; <see langword="null"/> otherwise, or when the store cannot tell.</param>
internal readonly record struct FeatureBlobCheck(bool Exists, CorruptFeatureBlobException? Corruption, string Location, FeatureBlobHeader? Header = null)
{
    /// <summary>Gets a value indicating whether the blob is missing or its structure is wrong.</summary>
    public bool IsUnusable => !Exists || Corruption is not null;
}
