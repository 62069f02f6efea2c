using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// An <see cref="IFeatureStore"/> that keeps encoded blobs in memory, for tests and demos. It stores the same bytes
/// the file-system store writes and verifies them the same way on every read.
/// </summary>
public sealed class InMemoryFeatureStore : IFeatureStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(CacheKey Key, DescriptorId Descriptor), byte[]> _blobs = [];

    /// <inheritdoc/>
    public async ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = await FeatureBlobFormat.EncodeAsync(blob, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _blobs[(blob.Header.Key, blob.Header.Descriptor)] = bytes;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        cancellationToken.ThrowIfCancellationRequested();
        byte[]? bytes;
        lock (_gate)
        {
            _blobs.TryGetValue((key, descriptor), out bytes);
        }

        if (bytes is null)
        {
            return null;
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

    /// <summary>Gets a copy of the stored bytes of a blob, for tests; <see langword="null"/> when absent.</summary>
    internal byte[]? GetStoredBytes(CacheKey key, DescriptorId descriptor)
    {
        lock (_gate)
        {
            return _blobs.TryGetValue((key, descriptor), out var bytes) ? (byte[])bytes.Clone() : null;
        }
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
