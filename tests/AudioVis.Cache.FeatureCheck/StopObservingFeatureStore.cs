using System.Diagnostics;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>
/// A feature store that records when the first blob writer is disposed without being committed: the moment a cancelled
/// analysis has stopped computing and starts deleting its temporary files.
/// </summary>
internal sealed class StopObservingFeatureStore(IFeatureStore inner) : IFeatureStore
{
    private long _firstDiscard;

    /// <summary>Gets the <see cref="Stopwatch"/> timestamp of the first uncommitted writer's disposal; 0 when none.</summary>
    public long FirstDiscard => Interlocked.Read(ref _firstDiscard);

    public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default) => inner.WriteAsync(blob, cancellationToken);

    public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(key, descriptor, cancellationToken);

    public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, descriptor, cancellationToken);

    public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) => inner.ListAsync(key, cancellationToken);

    public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => inner.ScanAsync(cancellationToken);

    public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) => inner.QuarantineAsync(location, cancellationToken);

    public async ValueTask<IFeatureBlobWriter> BeginWriteAsync(
        CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default) =>
        new Writer(await inner.BeginWriteAsync(key, descriptor, valuesPerFrame, expectedFrameCount, encoding, cancellationToken).ConfigureAwait(false), this);

    public ValueTask<IFeatureBlobReader?> OpenReaderAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
        inner.OpenReaderAsync(key, descriptor, cancellationToken);

    private sealed class Writer(IFeatureBlobWriter inner, StopObservingFeatureStore store) : IFeatureBlobWriter
    {
        private bool _committed;

        public CacheKey Key => inner.Key;

        public DescriptorId Descriptor => inner.Descriptor;

        public int ValuesPerFrame => inner.ValuesPerFrame;

        public long FramesWritten => inner.FramesWritten;

        public void Append(ReadOnlySpan<float> values) => inner.Append(values);

        public async ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
        {
            await inner.CommitAsync(header, cancellationToken).ConfigureAwait(false);
            _committed = true;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                Interlocked.CompareExchange(ref store._firstDiscard, Stopwatch.GetTimestamp(), 0);
            }

            return inner.DisposeAsync();
        }
    }
}
