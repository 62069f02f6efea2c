namespace AudioVis.Cache.Storage.Features;

/// <summary>Why a stored feature blob failed verification (see <see cref="CorruptFeatureBlobException"/>).</summary>
public enum FeatureBlobCorruption
{
    /// <summary>The first four bytes are not the magic <c>AVCF</c>.</summary>
    BadMagic = 1,

    /// <summary>The format version is one this library cannot read (written by a newer version, or damaged).</summary>
    UnsupportedVersion = 2,

    /// <summary>The blob ends before the length its header declares.</summary>
    Truncated = 3,

    /// <summary>The checksum over the blob's bytes does not match the stored checksum.</summary>
    ChecksumMismatch = 4,

    /// <summary>
    /// The checksum matches but the header's frame count × values per frame does not match the number of values
    /// stored (a blob written by a faulty writer).
    /// </summary>
    ValueCountMismatch = 5,

    /// <summary>The checksum matches but a header field is malformed (bad UTF-8, an invalid id, a value out of range).</summary>
    InvalidHeader = 6,

    /// <summary>The blob is valid but belongs to another {track, profile, descriptor} than the one it is stored under.</summary>
    IdentityMismatch = 7,

    /// <summary>
    /// The blob is valid for its entry, but its header disagrees with the entry's <see cref="CacheMetadataRecord"/> (profile
    /// revision, source content hash or calculator): another analysis replaced it and its record was not written. Found by
    /// <see cref="ICacheMaintenance.VerifyBlobsAsync"/>; stores never report it.
    /// </summary>
    RecordMismatch = 8,
}
