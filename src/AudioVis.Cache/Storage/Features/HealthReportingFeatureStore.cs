using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Wraps the registered <see cref="IFeatureStore"/> and says what its reads and writes reveal about blob health, at no extra
/// cost on the good path: a read that fails verification (<see cref="CorruptFeatureBlobException"/>, rethrown) or finds no
/// blob although the <see cref="ICacheMetadataStore"/> has its record reports the blob unusable; a completed write or delete
/// clears it. The DI layer connects the callbacks to the differ's registry, so the store never knows the differ.
/// </summary>
internal sealed class HealthReportingFeatureStore(
    IFeatureStore inner,
    ICacheMetadataStore metadata,
    Action<CacheKey, DescriptorId, FeatureBlobCorruption?, string> onUnusable,
    Action<CacheKey, DescriptorId> onCleared) : IFeatureStore, IFeatureBlobStructureCheck
{
    /// <summary>Gets the wrapped store.</summary>
    public IFeatureStore Inner => inner;

    public async ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(blob, cancellationToken).ConfigureAwait(false);
        onCleared(blob.Header.Key, blob.Header.Descriptor);
    }

    public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        ReportAsync(key, descriptor, () => inner.ReadAsync(key, descriptor, cancellationToken), cancellationToken);

    public async ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        var deleted = await inner.DeleteAsync(key, descriptor, cancellationToken).ConfigureAwait(false);
        onCleared(key, descriptor);
        return deleted;
    }

    public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) =>
        inner.ListAsync(key, cancellationToken);

    public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => inner.ScanAsync(cancellationToken);

    public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) =>
        inner.QuarantineAsync(location, cancellationToken);

    /// <summary>
    /// Checks a blob's existence and structure with the inner store's cheap check (or, for a store without one, its listing:
    /// existence only) and reports a missing or malformed blob. A sound structure clears nothing: its values may still be damaged.
    /// </summary>
    public async ValueTask<IFeatureBlobWriter> BeginWriteAsync(
        CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        new ClearingWriter(await inner.BeginWriteAsync(key, descriptor, valuesPerFrame, expectedFrameCount, encoding, cancellationToken).ConfigureAwait(false), onCleared);

    public async ValueTask<IFeatureBlobReader?> OpenReaderAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        await ReportAsync(key, descriptor, () => inner.OpenReaderAsync(key, descriptor, cancellationToken), cancellationToken).ConfigureAwait(false) is { } reader
            ? new ReportingReader(reader, e => onUnusable(key, descriptor, e.Reason, e.Location))
            : null;

    public ValueTask<FeatureBlobCheck> CheckStructureAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken) =>
        CheckAsync(key, descriptor, record: null, cancellationToken);

    /// <summary>
    /// As <see cref="CheckStructureAsync"/>, and also reports a sound blob whose header disagrees with its record (profile
    /// revision, source content hash, calculator) as <see cref="FeatureBlobCorruption.RecordMismatch"/>.
    /// </summary>
    public ValueTask<FeatureBlobCheck> CheckAgainstRecordAsync(CacheMetadataRecord record, CancellationToken cancellationToken) =>
        CheckAsync(record.Key, record.Descriptor, record, cancellationToken);

    private async ValueTask<FeatureBlobCheck> CheckAsync(CacheKey key, DescriptorId descriptor, CacheMetadataRecord? record, CancellationToken cancellationToken)
    {
        var check = inner is IFeatureBlobStructureCheck cheap
            ? await cheap.CheckStructureAsync(key, descriptor, cancellationToken).ConfigureAwait(false)
            : new FeatureBlobCheck((await inner.ListAsync(key, cancellationToken).ConfigureAwait(false)).Contains(descriptor), null, GetLocation(inner, key, descriptor));
        if (record is not null && check.Header is { } header && Disagreement(header, record) is { } detail)
        {
            check = check with { Corruption = new CorruptFeatureBlobException(check.Location, FeatureBlobCorruption.RecordMismatch, detail) };
        }

        if (check.IsUnusable)
        {
            onUnusable(key, descriptor, check.Corruption?.Reason, check.Location);
        }

        return check;
    }

    /// <summary>Names the first field where a blob's header and its record differ; <see langword="null"/> when they agree.</summary>
    internal static string? Disagreement(FeatureBlobHeader header, CacheMetadataRecord record) =>
        !header.ProfileRevisionHash.Equals(record.ProfileRevisionHash) ? $"its profile revision is {header.ProfileRevisionHash.Short}, its record's {record.ProfileRevisionHash.Short}."
        : !string.Equals(header.SourceContentHash, record.SourceContentHash, StringComparison.Ordinal) ? $"its source content hash is '{header.SourceContentHash}', its record's '{record.SourceContentHash}'."
        : !string.Equals(header.CalculatorId, record.CalculatorId, StringComparison.Ordinal) || header.CalculatorVersion != record.CalculatorVersion
            ? $"its calculator is {header.CalculatorId} v{header.CalculatorVersion}, its record's {record.CalculatorId} v{record.CalculatorVersion}."
        : null;

    /// <summary>Where a store keeps (or would keep) a blob, for the report of a missing one.</summary>
    internal static string GetLocation(IFeatureStore store, CacheKey key, DescriptorId descriptor) => store switch
    {
        FileSystemFeatureStore files => files.GetBlobPath(key, descriptor),
        InMemoryFeatureStore => InMemoryFeatureStore.GetLocation(key, descriptor),
        HealthReportingFeatureStore reporting => GetLocation(reporting.Inner, key, descriptor),
        _ => $"{key}/{descriptor}",
    };

    /// <summary>Reports a read that finds the blob corrupt, or missing although a record names it.</summary>
    private async ValueTask<T?> ReportAsync<T>(CacheKey key, DescriptorId descriptor, Func<ValueTask<T?>> read, CancellationToken cancellationToken)
        where T : class
    {
        T? result;
        try
        {
            result = await read().ConfigureAwait(false);
        }
        catch (CorruptFeatureBlobException e)
        {
            onUnusable(key, descriptor, e.Reason, e.Location);
            throw;
        }

        if (result is null && await HasRecordAsync(key, descriptor, cancellationToken).ConfigureAwait(false))
        {
            onUnusable(key, descriptor, null, GetLocation(inner, key, descriptor));
        }

        return result;
    }

    private async ValueTask<bool> HasRecordAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken)
    {
        foreach (var record in await metadata.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            if (record.Descriptor.Equals(descriptor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reports the blob healthy again once a streamed write of it is committed.</summary>
    private sealed class ClearingWriter(IFeatureBlobWriter inner, Action<CacheKey, DescriptorId> onCleared) : IFeatureBlobWriter
    {
        public CacheKey Key => inner.Key;

        public DescriptorId Descriptor => inner.Descriptor;

        public int ValuesPerFrame => inner.ValuesPerFrame;

        public long FramesWritten => inner.FramesWritten;

        public void Append(ReadOnlySpan<float> values) => inner.Append(values);

        public async ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
        {
            await inner.CommitAsync(header, cancellationToken).ConfigureAwait(false);
            onCleared(inner.Key, inner.Descriptor);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Reports a chunk found corrupt while frames are read (and rethrows), as a corrupt read is reported.</summary>
    private sealed class ReportingReader(IFeatureBlobReader inner, Action<CorruptFeatureBlobException> onCorrupt) : IFeatureBlobReader
    {
        public FeatureBlobHeader Header => inner.Header;

        /// <summary>Gets the wrapped reader.</summary>
        public IFeatureBlobReader Inner => inner;

        public void ReadFrames(int firstFrame, Span<float> destination)
        {
            try
            {
                inner.ReadFrames(firstFrame, destination);
            }
            catch (CorruptFeatureBlobException e)
            {
                onCorrupt(e);
                throw;
            }
        }

        public float ReadValue(int frame, int valueIndex)
        {
            try
            {
                return inner.ReadValue(frame, valueIndex);
            }
            catch (CorruptFeatureBlobException e)
            {
                onCorrupt(e);
                throw;
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
