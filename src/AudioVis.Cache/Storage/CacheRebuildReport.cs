namespace AudioVis.Cache.Storage;

/// <summary>What <see cref="ICacheMaintenance.RebuildMetadataAsync(CancellationToken)"/> found and did.</summary>
public sealed class CacheRebuildReport
{
    /// <summary>Initializes a new instance of the <see cref="CacheRebuildReport"/> class.</summary>
    /// <param name="blobsScanned">The number of blobs scanned, corrupt ones included.</param>
    /// <param name="recordsWritten">The number of records written (missing or disagreeing with their blob).</param>
    /// <param name="recordsRemoved">The number of records removed because their blob no longer exists.</param>
    /// <param name="keys">The keys that have at least one valid blob, ordered.</param>
    /// <param name="quarantinedBlobs">The corrupt blobs found, in scan order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or <paramref name="quarantinedBlobs"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public CacheRebuildReport(
        int blobsScanned,
        int recordsWritten,
        int recordsRemoved,
        IReadOnlyList<CacheKey> keys,
        IReadOnlyList<QuarantinedFeatureBlob> quarantinedBlobs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blobsScanned);
        ArgumentOutOfRangeException.ThrowIfNegative(recordsWritten);
        ArgumentOutOfRangeException.ThrowIfNegative(recordsRemoved);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(quarantinedBlobs);
        BlobsScanned = blobsScanned;
        RecordsWritten = recordsWritten;
        RecordsRemoved = recordsRemoved;
        Keys = keys;
        QuarantinedBlobs = quarantinedBlobs;
    }

    /// <summary>Gets the number of blobs scanned, corrupt ones included.</summary>
    public int BlobsScanned { get; }

    /// <summary>Gets the number of records written: those that were missing or disagreed with their blob. Records that already agreed are left alone.</summary>
    public int RecordsWritten { get; }

    /// <summary>Gets the number of records removed because their blob no longer exists (deleted, or quarantined by this rebuild).</summary>
    public int RecordsRemoved { get; }

    /// <summary>Gets the keys that have at least one valid blob, ordered by track then profile.</summary>
    public IReadOnlyList<CacheKey> Keys { get; }

    /// <summary>Gets the corrupt blobs found, in scan order; none of them became a record.</summary>
    public IReadOnlyList<QuarantinedFeatureBlob> QuarantinedBlobs { get; }

    /// <summary>Gets what the sweep of temporary files that ran before the scan removed (<see cref="ICacheMaintenance.SweepTempFilesAsync"/>).</summary>
    /// <value>The default value is <see cref="TempFileSweepReport.Empty"/>.</value>
    public TempFileSweepReport TempFiles { get; init; } = TempFileSweepReport.Empty;

    /// <summary>Returns the counts as one line.</summary>
    /// <returns>The report as text.</returns>
    public override string ToString() =>
        $"{BlobsScanned} blob(s) scanned, {Keys.Count} key(s), {RecordsWritten} record(s) written, {RecordsRemoved} removed, {QuarantinedBlobs.Count} blob(s) quarantined";
}
