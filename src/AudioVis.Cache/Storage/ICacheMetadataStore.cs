namespace AudioVis.Cache.Storage;

/// <summary>
/// Where cache metadata records live. This is the integrator's extension point: implement it over your own
/// database, and derive a test fixture from <c>AudioVis.Cache.Testing.CacheMetadataStoreConformanceTests</c>
/// to check the contract below.
/// </summary>
/// <remarks>
/// <para>Contract (checked by the conformance suite):</para>
/// <list type="bullet">
/// <item>Records are identified by {<see cref="CacheKey"/>, descriptor id}; an upsert replaces the record with the same identity.</item>
/// <item>Reads return records of one key only, ordered by descriptor id (ordinal), as a snapshot that later writes do not change.</item>
/// <item>A batch write is atomic: all records are stored, or (on error or cancellation) none.</item>
/// <item>Invalid input throws before anything is written; a cancelled token throws <see cref="OperationCanceledException"/>.</item>
/// <item>All members are safe to call concurrently.</item>
/// </list>
/// </remarks>
public interface ICacheMetadataStore
{
    /// <summary>Reads every record of one {track, profile}.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, ordered by descriptor id (ordinal); empty when none.</returns>
    ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists every key that has at least one record.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys, ordered by track then profile (ordinal).</returns>
    ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces records of one key, atomically.</summary>
    /// <param name="key">The key every record must belong to.</param>
    /// <param name="records">The records; no two may share a descriptor id.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write stores nothing.</param>
    /// <returns>A task that completes when the records are durable.</returns>
    /// <exception cref="ArgumentException">A record belongs to another key, or two records share a descriptor id.</exception>
    ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Removes records of one key, atomically.</summary>
    /// <param name="key">The key.</param>
    /// <param name="descriptors">The descriptor ids to remove; ids without a record are ignored.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write removes nothing.</param>
    /// <returns>The number of records removed.</returns>
    ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<Descriptors.DescriptorId> descriptors, CancellationToken cancellationToken = default);
}
