namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// Decoded audio read sequentially in blocks of interleaved float frames (a frame is one sample per channel).
/// Sources never hold a whole file in memory; create them with <see cref="AudioSources"/>.
/// </summary>
/// <remarks>
/// <para>
/// Samples are float32 in [-1, 1] for PCM formats (decoders of lossy formats may overshoot slightly), interleaved
/// channel by channel: <c>ch1, ch2, …, chN, ch1, ch2, …</c>. Every sample returned is finite: a NaN or infinite
/// sample makes <see cref="Read"/> throw <see cref="InvalidAudioSampleException"/> naming its position.
/// </para>
/// <para>
/// A source is not thread-safe: one reader at a time. Disposing it closes the underlying file.
/// </para>
/// </remarks>
public interface IAudioSource : IDisposable
{
    /// <summary>Gets the file path or the host's label for the audio; every error message names it.</summary>
    string Name { get; }

    /// <summary>Gets the sample rate in Hz, in <see cref="AudioSources.MinSampleRate"/>…<see cref="AudioSources.MaxSampleRate"/>.</summary>
    int SampleRate { get; }

    /// <summary>Gets the number of interleaved channels, in 1…<see cref="AudioSources.MaxChannelCount"/>.</summary>
    int ChannelCount { get; }

    /// <summary>Gets the number of frames (samples per channel) a full pass of <see cref="Read"/> returns; at least 1.</summary>
    /// <remarks>
    /// Known when the source is opened: from the data chunk for WAV, from the Xing/LAME header or else a scan of
    /// the frame headers for MP3 (as NLayer reports it), and from the granule position of the last page for Ogg
    /// Vorbis. A stream that ends before this count makes <see cref="Read"/> throw
    /// <see cref="AudioFormatException"/> with <see cref="AudioFormatProblem.Truncated"/>; extra decoded samples
    /// beyond it are not returned.
    /// </remarks>
    long FrameCount { get; }

    /// <summary>Reads the next block of whole frames.</summary>
    /// <param name="interleaved">
    /// The destination; it receives as many whole frames as fit (its length need not be a multiple of
    /// <see cref="ChannelCount"/>, but must hold at least one frame).
    /// </param>
    /// <returns>The number of samples written (a multiple of <see cref="ChannelCount"/>); 0 at the end of the audio.</returns>
    /// <exception cref="ArgumentException"><paramref name="interleaved"/> is shorter than one frame.</exception>
    /// <exception cref="AudioFormatException">The stream cannot be decoded or ends early.</exception>
    /// <exception cref="InvalidAudioSampleException">A decoded sample is NaN or infinite.</exception>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    int Read(Span<float> interleaved);

    /// <summary>Goes back to the first frame, so the next <see cref="Read"/> starts a new pass that returns the same samples.</summary>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    void Rewind();
}
