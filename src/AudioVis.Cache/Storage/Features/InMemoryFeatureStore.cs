using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// An <see cref="IFeatureStore"/> that keeps blobs in memory, for tests, demos and hosts that do not persist features.
/// </summary>
/// <remarks>
/// <see cref="FeatureBlob"/> is immutable, so the store keeps the written instance itself (no encoded copy: a
/// 10-minute spectrum is 212 MB) and <see cref="ReadAsync"/> returns it. Nothing is persisted; a process restart
/// starts empty. The byte format and its verification are exercised by <see cref="FileSystemFeatureStore"/>.
/// </remarks>
public sealed class InMemoryFeatureStore : IFeatureStore
{
    private readonly Lock _gate = new();

    // A FeatureBlob, or the raw bytes a corruption test put there (decoded and verified on read).
    private readonly Dictionary<(CacheKey Key, DescriptorId Descriptor), object> _blobs = [];

    /// <inheritdoc/>
    public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        cancellationToken.ThrowIfCancellationRequested();

        // Rejects what the file-system store would reject (a header string that cannot be encoded, or too long).
        _ = FeatureBlobFormat.EncodeHeader(blob.Header);
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

        var location = $"memory:{key}/{descriptor}";
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

    /// <summary>Gets the blob's encoding (format v1), for tests; <see langword="null"/> when absent.</summary>
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
