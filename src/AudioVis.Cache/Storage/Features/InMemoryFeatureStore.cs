using System.Runtime.CompilerServices;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// An <see cref="IFeatureStore"/> that keeps blobs in memory, for tests, demos and hosts that do not persist features.
/// </summary>
/// <remarks>
/// <see cref="FeatureBlob"/> is immutable, so the store keeps the written instance itself (no encoded copy: a
/// 10-minute spectrum is 212 MB) and <see cref="ReadAsync"/> returns it. A blob with a compact
/// <see cref="FeatureBlobHeader.Encoding"/> is kept as floats too; values that are not already what the encoding stores
/// (the analyzer quantises before writing) are rounded in a copy, so every store returns the same floats. Nothing is persisted; a process restart
/// starts empty. The byte format and its verification are exercised by <see cref="FileSystemFeatureStore"/>.
/// <see cref="QuarantineAsync"/> removes a corrupt entry from the store and keeps it in a quarantine list in memory.
/// </remarks>
internal sealed class InMemoryFeatureStore : IFeatureStore, IFeatureBlobStructureCheck
{
    private const string LocationPrefix = "memory:";

    private readonly Lock _gate = new();

    // A FeatureBlob, or the raw bytes a corruption test put there (decoded and verified on read).
    private readonly Dictionary<(CacheKey Key, DescriptorId Descriptor), object> _blobs = [];
    private readonly List<(string Location, string QuarantinedAs, object Stored)> _quarantine = [];

    /// <inheritdoc/>
    public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        cancellationToken.ThrowIfCancellationRequested();

        // Rejects what the file-system store would reject (a header string that cannot be encoded, or too long).
        _ = FeatureBlobFormat.EncodeHeader(blob.Header);

        // Keeps what a file store would return: values that are not already their code's value (the analyzer's are) are
        // rounded to the encoding in a copy.
        if (FeatureValueCodec.For(blob.Header.Encoding).RoundTrip(blob.ValueSpan) is { } rounded)
        {
            blob = FeatureBlob.CreateOwned(blob.Header, rounded);
        }

        lock (_gate)
        {
            _blobs[(blob.Header.Key, blob.Header.Descriptor)] = blob;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        object? stored;
        lock (_gate)
        {
            _blobs.TryGetValue((key, descriptor), out stored);
        }

        if (stored is not byte[] bytes)
        {
            return (FeatureBlob?)stored;
        }

        var location = GetLocation(key, descriptor);
        using var stream = new MemoryStream(bytes, writable: false);
        var blob = await FeatureBlobFormat.ReadAsync(stream, location, cancellationToken).ConfigureAwait(false);
        FeatureStoreVerification.ThrowIfNotFor(blob, key, descriptor, location);
        return blob;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(_blobs.Remove((key, descriptor)));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<DescriptorId>();
        lock (_gate)
        {
            foreach (var (entryKey, descriptor) in _blobs.Keys)
            {
                if (entryKey.Equals(key))
                {
                    result.Add(descriptor);
                }
            }
        }

        result.Sort();
        return new(result);
    }

    /// <inheritdoc/>
    /// <remarks>Entries written with <see cref="WriteAsync"/> are the verified blobs themselves; stored bytes are decoded and verified.</remarks>
    public async IAsyncEnumerable<FeatureStoreEntry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (CacheKey Key, DescriptorId Descriptor)[] entries;
        lock (_gate)
        {
            entries = [.. _blobs.Keys];
        }

        Array.Sort(entries, static (a, b) => a.Key.CompareTo(b.Key) is var byKey and not 0 ? byKey : a.Descriptor.CompareTo(b.Descriptor));
        foreach (var (key, descriptor) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            object? stored;
            lock (_gate)
            {
                // Deleted since the scan started: skipped.
                if (!_blobs.TryGetValue((key, descriptor), out stored))
                {
                    continue;
                }
            }

            var location = GetLocation(key, descriptor);
            if (stored is FeatureBlob blob)
            {
                yield return new FeatureStoreEntry(location, blob.Header, storedAt: null);
                continue;
            }

            var verified = await VerifyAsync((byte[])stored, key, descriptor, location, cancellationToken).ConfigureAwait(false);
            yield return verified.Header is { } header ? new FeatureStoreEntry(location, header, storedAt: null) : new FeatureStoreEntry(verified.Corruption!, storedAt: null);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Removes the entry and keeps it in a quarantine list in memory; the returned location is <c>quarantine:</c> and the entry's location.</remarks>
    public async ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!location.StartsWith(LocationPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{location}' is not a location of an in-memory feature store (they start with '{LocationPrefix}').", nameof(location));
        }

        cancellationToken.ThrowIfCancellationRequested();
        (CacheKey Key, DescriptorId Descriptor)? found = null;
        object? stored = null;
        lock (_gate)
        {
            foreach (var (entry, value) in _blobs)
            {
                if (string.Equals(GetLocation(entry.Key, entry.Descriptor), location, StringComparison.Ordinal))
                {
                    (found, stored) = (entry, value);
                    break;
                }
            }
        }

        // Only stored bytes can be corrupt; a written FeatureBlob (or bytes that verify now) stays.
        if (found is not { } slot || stored is not byte[] bytes ||
            (await VerifyAsync(bytes, slot.Key, slot.Descriptor, location, cancellationToken).ConfigureAwait(false)).Header is not null)
        {
            return null;
        }

        lock (_gate)
        {
            // Rewritten while it was verified: the new blob stays.
            if (!_blobs.TryGetValue(slot, out var current) || !ReferenceEquals(current, bytes))
            {
                return null;
            }

            _blobs.Remove(slot);
            var quarantinedAs = $"quarantine:{location}";
            _quarantine.Add((location, quarantinedAs, bytes));
            return quarantinedAs;
        }
    }

    /// <summary>Gets the quarantined entries (location, where they were moved, stored bytes), for tests.</summary>
    internal IReadOnlyList<(string Location, string QuarantinedAs, byte[] Bytes)> GetQuarantine()
    {
        lock (_gate)
        {
            return [.. _quarantine.Select(q => (q.Location, q.QuarantinedAs, (byte[])q.Stored))];
        }
    }

    /// <inheritdoc/>
    async ValueTask<FeatureBlobCheck> IFeatureBlobStructureCheck.CheckStructureAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        var location = GetLocation(key, descriptor);
        object? stored;
        lock (_gate)
        {
            _blobs.TryGetValue((key, descriptor), out stored);
        }

        if (stored is not byte[] bytes)
        {
            return new FeatureBlobCheck(stored is not null, null, location, (stored as FeatureBlob)?.Header);
        }

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var header = await FeatureBlobFormat.CheckStructureAsync(stream, location, cancellationToken).ConfigureAwait(false);
            FeatureStoreVerification.ThrowIfNotFor(header, key, descriptor, location);
            return new FeatureBlobCheck(true, null, location, header);
        }
        catch (CorruptFeatureBlobException e)
        {
            return new FeatureBlobCheck(true, e, location);
        }
    }

    internal static string GetLocation(CacheKey key, DescriptorId descriptor) => $"{LocationPrefix}{key}/{descriptor}";

    private static async ValueTask<(FeatureBlobHeader? Header, CorruptFeatureBlobException? Corruption)> VerifyAsync(
        byte[] bytes, CacheKey key, DescriptorId descriptor, string location, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var header = await FeatureBlobFormat.VerifyAsync(stream, location, cancellationToken).ConfigureAwait(false);
            FeatureStoreVerification.ThrowIfNotFor(header, key, descriptor, location);
            return (header, null);
        }
        catch (CorruptFeatureBlobException e)
        {
            return (null, e);
        }
    }

    /// <summary>Gets the blob's encoding (the current format version), for tests; <see langword="null"/> when absent.</summary>
    internal byte[]? GetStoredBytes(CacheKey key, DescriptorId descriptor)
    {
        object? stored;
        lock (_gate)
        {
            _blobs.TryGetValue((key, descriptor), out stored);
        }

        return stored switch
        {
            null => null,
            byte[] bytes => (byte[])bytes.Clone(),
            _ => FeatureBlobFormat.EncodeAsync((FeatureBlob)stored, CancellationToken.None).AsTask().GetAwaiter().GetResult(),
        };
    }

    /// <summary>Replaces the stored bytes of a blob without any checks, for corruption tests.</summary>
    internal void SetStoredBytes(CacheKey key, DescriptorId descriptor, byte[] bytes)
    {
        lock (_gate)
        {
            _blobs[(key, descriptor)] = bytes;
        }
    }
}
