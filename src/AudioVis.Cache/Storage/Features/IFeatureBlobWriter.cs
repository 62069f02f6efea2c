using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// A feature blob being written frame by frame (<see cref="IFeatureStore.BeginWriteAsync"/>): frames are appended as they
/// are computed and the blob appears in the store, whole, only when <see cref="CommitAsync"/> completes. Disposing a
/// writer that was not committed discards everything it wrote (a file store deletes its temporary file); the previous
/// blob, if any, is untouched.
/// </summary>
/// <remarks>A writer is used by one thread at a time.</remarks>
public interface IFeatureBlobWriter : IAsyncDisposable
{
    /// <summary>Gets the {track, profile} the blob belongs to.</summary>
    CacheKey Key { get; }

    /// <summary>Gets the descriptor id, channel alias included.</summary>
    DescriptorId Descriptor { get; }

    /// <summary>Gets the number of values in each frame.</summary>
    int ValuesPerFrame { get; }

    /// <summary>Gets the number of frames appended so far.</summary>
    long FramesWritten { get; }

    /// <summary>Appends whole frames, frame-major (value <c>v</c> of the <c>k</c>-th frame given at <c>k × ValuesPerFrame + v</c>).</summary>
    /// <param name="values">A whole number of frames; copied or written before the call returns.</param>
    /// <exception cref="ArgumentException">The number of values is not a multiple of <see cref="ValuesPerFrame"/>.</exception>
    /// <exception cref="ObjectDisposedException">The writer was committed or disposed.</exception>
    void Append(ReadOnlySpan<float> values);

    /// <summary>Completes the blob with its header and makes it durable and visible, replacing any previous blob atomically.</summary>
    /// <param name="header">
    /// The header: its key, descriptor and values per frame must be the writer's, and its frame count
    /// <see cref="FramesWritten"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the commit; a cancelled commit leaves the previous blob (or none) in place.</param>
    /// <returns>A task that completes when the blob is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The header disagrees with the writer (key, descriptor, values per frame, or the value encoding the write was begun with) or with the frames appended; the message names both.</exception>
    /// <exception cref="ObjectDisposedException">The writer was committed or disposed.</exception>
    ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default);
}
