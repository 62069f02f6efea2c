using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Storage;

/// <summary>
/// Rebuilds the metadata from the feature store (this file). Partial: other maintenance concerns live in
/// <c>CacheMaintenance.*.cs</c>.
/// </summary>
/// <remarks>
/// A record is made from its blob's header. What a version-1 blob (or a header written without them) does not carry
/// comes, in order, from the existing record when it agrees with everything the blob does carry, then:
/// parameters from the registered profile when its revision hash matches (else <see langword="null"/>); time from the
/// store (a file's last write time) or, failing that, the rebuild's start time from the <see cref="TimeProvider"/>.
/// </remarks>
internal sealed partial class CacheMaintenance : ICacheMaintenance
{
    private readonly IFeatureStore _features;
    private readonly ICacheMetadataStore _metadata;
    private readonly IAnalysisProfileRegistry _profiles;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IHistoryStore _history;
    private readonly SubscriberList<CacheKey> _keyChanged;
    private readonly Lock _scrubGate = new();
    private (CacheKey Key, DescriptorId Descriptor)? _scrubCursor;

    public CacheMaintenance(
        IFeatureStore features,
        ICacheMetadataStore metadata,
        IAnalysisProfileRegistry profiles,
        TimeProvider timeProvider,
        ILogger<CacheMaintenance> logger,
        IHistoryStore history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _history = history;
        _keyChanged = new SubscriberList<CacheKey>(logger, nameof(ICacheMaintenance));
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _features = features;
        _metadata = metadata;
        _profiles = profiles;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets or sets how old another machine's temporary file must be before a sweep removes it (<see cref="DependencyInjection.AudioVisCacheOptions.TempFileMaxAge"/>).</summary>
    internal TimeSpan TempFileMaxAge { get; set; } = DependencyInjection.AudioVisCacheOptions.DefaultTempFileMaxAge;

    /// <inheritdoc/>
    public async ValueTask<TempFileSweepReport> SweepTempFilesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sweep = _features is HealthReportingFeatureStore reporting ? reporting.Inner as ITempFileSweep : _features as ITempFileSweep;
        if (sweep is null)
        {
            return TempFileSweepReport.Empty;
        }

        var report = await sweep.SweepTempFilesAsync(_timeProvider.GetUtcNow(), TempFileMaxAge, cancellationToken).ConfigureAwait(false);
        Log.TempFilesSwept(_logger, report.Removed, report.RemovedOfEndedProcesses, report.RemovedByAge, TempFileMaxAge, report.Kept);
        return report;
    }

    /// <inheritdoc/>
    public async ValueTask<CacheRebuildReport> RebuildMetadataAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Log.RebuildStarted(_logger);
        var rebuildTime = _timeProvider.GetUtcNow();

        // 0. Temporary files of ended writers: the scan walks the same folders, and they are never blobs.
        var tempFiles = await SweepTempFilesAsync(cancellationToken).ConfigureAwait(false);

        // 1. Scan: every blob verified; corrupt ones moved aside at once, valid headers grouped by key.
        var scanned = 0;
        var quarantined = new List<QuarantinedFeatureBlob>();
        var blobs = new Dictionary<CacheKey, Dictionary<DescriptorId, FeatureStoreEntry>>();
        await foreach (var entry in _features.ScanAsync(cancellationToken).ConfigureAwait(false))
        {
            scanned++;
            if (entry.IsCorrupt)
            {
                quarantined.Add(await QuarantineAsync(entry.Corruption, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                var header = entry.Header;
                if (!blobs.TryGetValue(header.Key, out var ofKey))
                {
                    blobs[header.Key] = ofKey = [];
                }

                ofKey[header.Descriptor] = entry;
            }
        }

        // 2. Write key by key: every key with a blob, and every key with a record (its records may be orphans).
        var keys = new SortedSet<CacheKey>(blobs.Keys);
        keys.UnionWith(await _metadata.GetKeysAsync(cancellationToken).ConfigureAwait(false));
        int written = 0, removed = 0, keysDone = 0;
        try
        {
            foreach (var key in keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (w, r) = await RebuildKeyAsync(
                    key, blobs.TryGetValue(key, out var ofKey) ? ofKey : [], rebuildTime, cancellationToken).ConfigureAwait(false);
                written += w;
                removed += r;
                keysDone++;
                if (w + r > 0)
                {
                    _keyChanged.Raise(key);
                }
            }
        }
        catch (OperationCanceledException)
        {
            Log.RebuildCancelled(_logger, keysDone, keys.Count);
            throw;
        }

        CacheKey[] withBlobs = [.. blobs.Keys];
        Array.Sort(withBlobs);
        Log.RebuildCompleted(_logger, scanned, withBlobs.Length, written, removed, quarantined.Count);
        return new CacheRebuildReport(scanned, written, removed, withBlobs, quarantined) { TempFiles = tempFiles };
    }

    /// <inheritdoc/>
    public async ValueTask<int> VerifyBlobsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int checkedBlobs = 0, unusable = 0;
        foreach (var key in await _metadata.GetKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var record in await _metadata.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                checkedBlobs++;
                var check = _features is HealthReportingFeatureStore reporting ? await reporting.CheckAgainstRecordAsync(record, cancellationToken).ConfigureAwait(false)
                    : _features is IFeatureBlobStructureCheck cheap ? await cheap.CheckStructureAsync(key, record.Descriptor, cancellationToken).ConfigureAwait(false)
                    : new FeatureBlobCheck((await _features.ListAsync(key, cancellationToken).ConfigureAwait(false)).Contains(record.Descriptor), null, HealthReportingFeatureStore.GetLocation(_features, key, record.Descriptor));
                if (check.IsUnusable)
                {
                    unusable++;
                    Log.BlobUnusable(_logger, check.Location, check.Corruption?.Reason.ToString() ?? "Missing");
                }
            }
        }

        Log.BlobsVerified(_logger, checkedBlobs, unusable);
        return unusable;
    }

    /// <inheritdoc/>
    public async ValueTask<int> ScrubAsync(int maxBlobs, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlobs, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = (await _metadata.GetKeysAsync(cancellationToken).ConfigureAwait(false)).ToArray();
        Array.Sort(keys);
        (CacheKey Key, DescriptorId Descriptor)? cursor;
        lock (_scrubGate)
        {
            cursor = _scrubCursor;
        }

        int read = 0, unusable = 0;
        foreach (var key in keys)
        {
            if (cursor is { } after && key.CompareTo(after.Key) < 0)
            {
                continue;
            }

            var descriptors = (await _metadata.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false)).Select(r => r.Descriptor).ToArray();
            Array.Sort(descriptors);
            foreach (var descriptor in descriptors)
            {
                if (cursor is { } at && key.Equals(at.Key) && descriptor.CompareTo(at.Descriptor) <= 0)
                {
                    continue;
                }

                if (read == maxBlobs)
                {
                    return unusable;
                }

                read++;
                try
                {
                    // Through the registered store, which reports a corrupt or missing blob to the differ.
                    unusable += await _features.ReadAsync(key, descriptor, cancellationToken).ConfigureAwait(false) is null ? 1 : 0;
                }
                catch (CorruptFeatureBlobException e)
                {
                    unusable++;
                    Log.BlobUnusable(_logger, e.Location, e.Reason.ToString());
                }

                lock (_scrubGate)
                {
                    _scrubCursor = (key, descriptor);
                }
            }
        }

        // The last record was read: the next call starts over.
        lock (_scrubGate)
        {
            _scrubCursor = null;
        }

        return unusable;
    }

    /// <summary>
    /// Brings the records of one key in line with its blobs: one atomic upsert of the records that are missing or
    /// disagree, then one atomic removal of the records whose blob is gone. Once the upsert has happened the removal is
    /// not cancelled, so the key is left consistent.
    /// </summary>
    private async ValueTask<(int Written, int Removed)> RebuildKeyAsync(
        CacheKey key, Dictionary<DescriptorId, FeatureStoreEntry> blobs, DateTimeOffset rebuildTime, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<DescriptorId, CacheMetadataRecord>();
        foreach (var record in await _metadata.GetRecordsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            existing[record.Descriptor] = record;
        }

        var upserts = new List<CacheMetadataRecord>();
        foreach (var (descriptor, entry) in blobs)
        {
            existing.TryGetValue(descriptor, out var current);
            var record = CreateRecord(entry, current, rebuildTime);
            if (!record.Equals(current))
            {
                upserts.Add(record);
            }
        }

        if (upserts.Count > 0)
        {
            upserts.Sort(static (a, b) => a.Descriptor.CompareTo(b.Descriptor));
            await _metadata.UpsertAsync(key, upserts, cancellationToken).ConfigureAwait(false);
        }

        var orphans = existing.Keys.Where(d => !blobs.ContainsKey(d)).ToList();
        if (orphans.Count == 0)
        {
            return (upserts.Count, 0);
        }

        // A blob written since the scan (a concurrent analysis) keeps its record: only records whose blob is still absent go.
        var listed = await _features.ListAsync(key, CancellationToken.None).ConfigureAwait(false);
        orphans.RemoveAll(d => listed.Contains(d));
        orphans.Sort();
        var removed = orphans.Count == 0 ? 0 : await _metadata.RemoveAsync(key, orphans, CancellationToken.None).ConfigureAwait(false);
        return (upserts.Count, removed);
    }

    /// <summary>The record of a verified blob; see the class remarks for what fills the fields a version-1 header lacks.</summary>
    private CacheMetadataRecord CreateRecord(FeatureStoreEntry entry, CacheMetadataRecord? current, DateTimeOffset rebuildTime)
    {
        var header = entry.Header!;
        var agrees = current is not null &&
            current.ProfileRevisionHash.Equals(header.ProfileRevisionHash) &&
            string.Equals(current.SourceContentHash, header.SourceContentHash, StringComparison.Ordinal) &&
            string.Equals(current.CalculatorId, header.CalculatorId, StringComparison.Ordinal) &&
            current.CalculatorVersion == header.CalculatorVersion;
        var parameters = header.Parameters
            ?? (agrees ? current!.Parameters : null)
            ?? (_profiles.TryGet(header.Key.AnalysisProfileId, out var profile) && profile.RevisionHash.Equals(header.ProfileRevisionHash) ? profile.Parameters : null);
        var analyzedAt = header.WrittenAt ?? (agrees ? current!.AnalyzedAt : (DateTimeOffset?)null) ?? entry.StoredAt ?? rebuildTime;
        return FeatureCacheWriter.CreateRecord(header, parameters, analyzedAt);
    }

    private async ValueTask<QuarantinedFeatureBlob> QuarantineAsync(CorruptFeatureBlobException corruption, CancellationToken cancellationToken)
    {
        var movedTo = await _features.QuarantineAsync(corruption.Location, cancellationToken).ConfigureAwait(false);
        if (movedTo is null)
        {
            Log.BlobNotQuarantined(_logger, corruption.Location, corruption.Reason.ToString());
        }
        else
        {
            Log.BlobQuarantined(_logger, corruption.Location, corruption.Reason.ToString(), movedTo, corruption);
        }

        return new QuarantinedFeatureBlob(corruption, movedTo);
    }
}
