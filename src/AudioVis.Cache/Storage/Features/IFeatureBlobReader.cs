namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Random access to the frames of one stored feature blob without loading it whole
/// (<see cref="IFeatureStore.OpenReaderAsync"/>). A file store maps the file into memory and checks each chunk of frames
/// against its checksum the first time it is read, so a renderer touches only the pages it samples; a chunk that fails
/// is reported with <see cref="CorruptFeatureBlobException"/> every time it is read, and its values are never returned.
/// </summary>
/// <remarks>
/// Reads are safe to call concurrently from several threads and allocate nothing. Dispose the reader when done (this
/// unmaps the file); do not dispose it while another thread is reading from it.
/// </remarks>
public interface IFeatureBlobReader : IDisposable
{
    /// <summary>Gets the blob's verified header.</summary>
    FeatureBlobHeader Header { get; }

    /// <summary>Copies whole frames, frame-major, starting at frame <paramref name="firstFrame"/>.</summary>
    /// <param name="firstFrame">The first frame to read.</param>
    /// <param name="destination">Receives <c>destination.Length / ValuesPerFrame</c> frames; its length must be a multiple of ValuesPerFrame.</param>
    /// <exception cref="ArgumentOutOfRangeException">The frames are not all within the blob; the message names them.</exception>
    /// <exception cref="ArgumentException">The destination's length is not a whole number of frames.</exception>
    /// <exception cref="CorruptFeatureBlobException">A chunk holding one of the frames fails its checksum; the message names the chunk.</exception>
    void ReadFrames(int firstFrame, Span<float> destination);

    /// <summary>Reads one value.</summary>
    /// <param name="frame">The 0-based frame index.</param>
    /// <param name="valueIndex">The 0-based index of the value in the frame.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The frame or value index is outside the blob; the message names it.</exception>
    /// <exception cref="CorruptFeatureBlobException">The chunk holding the frame fails its checksum; the message names the chunk.</exception>
    float ReadValue(int frame, int valueIndex);
}
