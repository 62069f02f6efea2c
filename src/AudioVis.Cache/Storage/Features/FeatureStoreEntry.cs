using System.Diagnostics.CodeAnalysis;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// One stored blob found by <see cref="IFeatureStore.ScanAsync"/>: where it is stored and either its verified
/// <see cref="Header"/> or the <see cref="Corruption"/> that verification found.
/// </summary>
public sealed class FeatureStoreEntry
{
    /// <summary>Initializes a new instance of the <see cref="FeatureStoreEntry"/> class for a blob that verified.</summary>
    /// <param name="location">Where the blob is stored: a file path, or <c>memory:</c> and the entry for in-memory stores.</param>
    /// <param name="header">The verified header.</param>
    /// <param name="storedAt">When the blob was last written according to the store (a file's last write time), or <see langword="null"/> when the store does not know.</param>
    /// <exception cref="ArgumentNullException"><paramref name="location"/> or <paramref name="header"/> is <see langword="null"/>.</exception>
    public FeatureStoreEntry(string location, FeatureBlobHeader header, DateTimeOffset? storedAt)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(header);
        Location = location;
        Header = header;
        StoredAt = storedAt;
    }

    /// <summary>Initializes a new instance of the <see cref="FeatureStoreEntry"/> class for a blob that failed verification.</summary>
    /// <param name="corruption">What verification found; its <see cref="CorruptFeatureBlobException.Location"/> is the entry's location.</param>
    /// <param name="storedAt">When the blob was last written according to the store, or <see langword="null"/> when the store does not know.</param>
    /// <exception cref="ArgumentNullException"><paramref name="corruption"/> is <see langword="null"/>.</exception>
    public FeatureStoreEntry(CorruptFeatureBlobException corruption, DateTimeOffset? storedAt)
    {
        ArgumentNullException.ThrowIfNull(corruption);
        Location = corruption.Location;
        Corruption = corruption;
        StoredAt = storedAt;
    }

    /// <summary>Gets where the blob is stored; pass it to <see cref="IFeatureStore.QuarantineAsync"/> to move a corrupt blob aside.</summary>
    public string Location { get; }

    /// <summary>Gets the verified header; <see langword="null"/> when the blob is corrupt.</summary>
    public FeatureBlobHeader? Header { get; }

    /// <summary>Gets why the blob failed verification; <see langword="null"/> when it verified.</summary>
    public CorruptFeatureBlobException? Corruption { get; }

    /// <summary>Gets when the blob was last written according to the store (a file's last write time, UTC), or <see langword="null"/> when the store does not know.</summary>
    public DateTimeOffset? StoredAt { get; }

    /// <summary>Gets a value indicating whether the blob failed verification.</summary>
    [MemberNotNullWhen(true, nameof(Corruption))]
    [MemberNotNullWhen(false, nameof(Header))]
    public bool IsCorrupt => Corruption is not null;

    /// <summary>Returns the location and the descriptor and key, or the corruption reason.</summary>
    /// <returns>The entry as text.</returns>
    public override string ToString() =>
        IsCorrupt ? $"{Location}: corrupt ({Corruption.Reason})" : $"{Location}: {Header.Descriptor} of {Header.Key}";
}
