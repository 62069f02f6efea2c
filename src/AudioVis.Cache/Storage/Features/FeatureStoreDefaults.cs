using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>The default streamed write and random-access read of <see cref="IFeatureStore"/>, for stores that handle whole blobs only.</summary>
internal static class FeatureStoreDefaults
{
    public static ValueTask<IFeatureBlobWriter> BeginBufferedWrite(
        IFeatureStore store, CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount, FeatureValueEncoding? encoding, CancellationToken cancellationToken)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerFrame, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var expected = expectedFrameCount is { } frames && frames > 0 && frames * valuesPerFrame <= Array.MaxLength ? frames * valuesPerFrame : 0;
        return new(new BufferedFeatureBlobWriter(store, key, descriptor, valuesPerFrame, expected, encoding ?? FeatureValueEncoding.Float32));
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

    /// <summary>Checks that a commit's header declares the encoding the writer was begun with (its bytes are already encoded).</summary>
    public static void ThrowIfEncodingDiffers(FeatureBlobHeader header, FeatureValueEncoding encoding)
    {
        if (!header.Encoding.Equals(encoding))
        {
            throw new ArgumentException(
                $"The header of {header.Descriptor} for {header.Key} declares the value encoding {header.Encoding}, but the writer was begun with {encoding}.",
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

    /// <summary>
    /// Collects the frames, then writes the whole blob. With the expected number of values, into one array of that size
    /// (the blob's own array when exactly that many come, so nothing is copied); otherwise, and past the expected size, in
    /// segments of 1 Mi values (so growing never copies), copied once into the blob's exact array on commit.
    /// </summary>
    private sealed class BufferedFeatureBlobWriter(
        IFeatureStore store, CacheKey key, DescriptorId descriptor, int valuesPerFrame, long expectedValues, FeatureValueEncoding encoding) : IFeatureBlobWriter
    {
        private const int SegmentLength = 1 << 20;
        private readonly List<float[]> _segments = [];
        private float[]? _exact = expectedValues > 0 ? GC.AllocateUninitializedArray<float>((int)expectedValues) : null;
        private long _count;
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

            if (_exact is not null && _count + values.Length <= _exact.Length)
            {
                values.CopyTo(_exact.AsSpan((int)_count));
                _count += values.Length;
                return;
            }

            if (_exact is not null)
            {
                // More values than expected: carry on in segments, starting with what the array holds.
                var held = _exact.AsSpan(0, (int)_count).ToArray();
                (_exact, _count) = (null, 0);
                AppendToSegments(held);
            }

            AppendToSegments(values);
        }

        private void AppendToSegments(ReadOnlySpan<float> values)
        {
            while (!values.IsEmpty)
            {
                var at = (int)(_count % SegmentLength);
                if (at == 0)
                {
                    _segments.Add(GC.AllocateUninitializedArray<float>(SegmentLength));
                }

                var count = Math.Min(values.Length, SegmentLength - at);
                values[..count].CopyTo(_segments[^1].AsSpan(at));
                values = values[count..];
                _count += count;
            }
        }

        public async ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            ThrowIfNotFor(header, this);
            ThrowIfEncodingDiffers(header, encoding);
            if (_count > Array.MaxLength)
            {
                throw new NotSupportedException(
                    $"The blob of {descriptor} for {key} holds {_count} values, more than a blob held in memory can; use a FileSystemFeatureStore.");
            }

            var values = _exact is { } exact && exact.Length == _count ? exact : GC.AllocateUninitializedArray<float>((int)_count);
            if (_exact is not null && !ReferenceEquals(values, _exact))
            {
                _exact.AsSpan(0, (int)_count).CopyTo(values);
            }

            for (var i = 0; i < _segments.Count; i++)
            {
                var offset = (long)i * SegmentLength;
                _segments[i].AsSpan(0, (int)Math.Min(SegmentLength, _count - offset)).CopyTo(values.AsSpan((int)offset));
            }

            _segments.Clear();
            _exact = null;
            await store.WriteAsync(FeatureBlob.CreateOwned(header, values), cancellationToken).ConfigureAwait(false);
            _closed = true;
        }

        public ValueTask DisposeAsync()
        {
            _closed = true;
            _segments.Clear();
            _exact = null;
            return ValueTask.CompletedTask;
        }
    }
}
