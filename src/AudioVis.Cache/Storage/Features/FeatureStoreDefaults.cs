using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>The default streamed write and random-access read of <see cref="IFeatureStore"/>, for stores that handle whole blobs only.</summary>
internal static class FeatureStoreDefaults
{
    public static ValueTask<IFeatureBlobWriter> BeginBufferedWrite(
        IFeatureStore store, CacheKey key, DescriptorId descriptor, int valuesPerFrame, CancellationToken cancellationToken)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerFrame, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return new(new BufferedFeatureBlobWriter(store, key, descriptor, valuesPerFrame));
    }

    public static async ValueTask<IFeatureBlobReader?> OpenBlobReaderAsync(
        IFeatureStore store, CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken) =>
        await store.ReadAsync(key, descriptor, cancellationToken).ConfigureAwait(false) is { } blob ? new FeatureBlobMemoryReader(blob) : null;

    /// <summary>Checks a commit's header against the writer; shared by every <see cref="IFeatureBlobWriter"/>.</summary>
    public static void ThrowIfNotFor(FeatureBlobHeader header, IFeatureBlobWriter writer)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.Key.Equals(writer.Key) || !header.Descriptor.Equals(writer.Descriptor) ||
            header.ValuesPerFrame != writer.ValuesPerFrame || header.FrameCount != writer.FramesWritten)
        {
            throw new ArgumentException(
                $"The header names {header.Descriptor} for {header.Key} with {header.FrameCount} frames × {header.ValuesPerFrame} values, but the writer is for {writer.Descriptor} for {writer.Key} and holds {writer.FramesWritten} frames × {writer.ValuesPerFrame} values.",
                nameof(header));
        }
    }

    /// <summary>Checks the arguments of <see cref="IFeatureBlobReader.ReadFrames"/>.</summary>
    public static void CheckFrames(FeatureBlobHeader header, int firstFrame, int destinationLength)
    {
        if (destinationLength % header.ValuesPerFrame != 0)
        {
            throw new ArgumentException(
                $"The destination holds {destinationLength} values, not a whole number of frames of {header.ValuesPerFrame} values of {header.Descriptor}.", "destination");
        }

        var frames = destinationLength / header.ValuesPerFrame;
        if (firstFrame < 0 || firstFrame > header.FrameCount - frames)
        {
            ThrowFrameOutOfRange(header, firstFrame, frames);
        }
    }

    /// <summary>Checks the arguments of <see cref="IFeatureBlobReader.ReadValue"/>.</summary>
    public static void CheckValue(FeatureBlobHeader header, int frame, int valueIndex)
    {
        if ((uint)frame >= (uint)header.FrameCount)
        {
            ThrowFrameOutOfRange(header, frame, 1);
        }

        if ((uint)valueIndex >= (uint)header.ValuesPerFrame)
        {
            throw new ArgumentOutOfRangeException(
                nameof(valueIndex), valueIndex, $"Value index {valueIndex} is outside the {header.ValuesPerFrame} values per frame (0…{header.ValuesPerFrame - 1}) of {header.Descriptor}.");
        }
    }

    [DoesNotReturn]
    private static void ThrowFrameOutOfRange(FeatureBlobHeader header, int firstFrame, int frames) =>
        throw new ArgumentOutOfRangeException(
            nameof(firstFrame), firstFrame, $"Frames {firstFrame}…{(long)firstFrame + frames - 1} are not all within the {header.FrameCount} frames (0…{header.FrameCount - 1}) of {header.Descriptor} for {header.Key}.");

    /// <summary>Collects the frames in a growing array and writes the whole blob on commit.</summary>
    private sealed class BufferedFeatureBlobWriter(IFeatureStore store, CacheKey key, DescriptorId descriptor, int valuesPerFrame) : IFeatureBlobWriter
    {
        private float[] _values = [];
        private int _count;
        private bool _closed;

        public CacheKey Key => key;

        public DescriptorId Descriptor => descriptor;

        public int ValuesPerFrame => valuesPerFrame;

        public long FramesWritten => _count / valuesPerFrame;

        public void Append(ReadOnlySpan<float> values)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (values.Length % valuesPerFrame != 0)
            {
                throw new ArgumentException($"{values.Length} values are not a whole number of frames of {valuesPerFrame} values.", nameof(values));
            }

            if (_values.Length - _count < values.Length)
            {
                var capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)_count + values.Length, Math.Max(1024L, 2L * _values.Length)));
                Array.Resize(ref _values, capacity);
            }

            values.CopyTo(_values.AsSpan(_count));
            _count += values.Length;
        }

        public async ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            ThrowIfNotFor(header, this);
            if (_values.Length != _count)
            {
                Array.Resize(ref _values, _count);
            }

            await store.WriteAsync(FeatureBlob.CreateOwned(header, _values), cancellationToken).ConfigureAwait(false);
            _closed = true;
            _values = [];
        }

        public ValueTask DisposeAsync()
        {
            _closed = true;
            _values = [];
            return ValueTask.CompletedTask;
        }
    }
}
