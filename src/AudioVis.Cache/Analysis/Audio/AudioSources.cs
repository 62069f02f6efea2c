namespace AudioVis.Cache.Analysis.Audio;

/// <summary>Opens audio files and wraps hosts' own PCM as <see cref="IAudioSource"/>.</summary>
/// <remarks>See docs/audio-sources.md for the supported formats, channel semantics and error policy.</remarks>
public static class AudioSources
{
    /// <summary>The lowest supported sample rate, in Hz.</summary>
    public const int MinSampleRate = 8_000;

    /// <summary>The highest supported sample rate, in Hz.</summary>
    public const int MaxSampleRate = 384_000;

    /// <summary>The most channels a source may have (the highest numbered channel alias is <c>ch64</c>).</summary>
    public const int MaxChannelCount = Descriptors.ChannelAlias.MaxChannelNumber;

    private const int FileBufferSize = 64 * 1024;

    /// <summary>
    /// Opens an audio file, choosing the decoder from its content (RIFF/WAVE, OggS with a Vorbis stream, or an ID3
    /// tag or MPEG frame sync), not from its extension. Only the headers are read here; samples are decoded as
    /// they are read.
    /// </summary>
    /// <param name="path">The file path; it becomes <see cref="IAudioSource.Name"/>.</param>
    /// <returns>The source; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="AudioFormatException">The file is not supported audio, or its header is malformed, truncated or out of range.</exception>
    public static IAudioSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = OpenFile(path);
        AudioFormatSniffer.Container container;
        try
        {
            Span<byte> header = stackalloc byte[AudioFormatSniffer.HeaderLength];
            var length = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            container = AudioFormatSniffer.Identify(path, header[..length]);
            stream.Position = 0;
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return container switch
        {
            AudioFormatSniffer.Container.Wav => WavAudioSource.Open(path, stream),
            AudioFormatSniffer.Container.Mp3 => Mp3AudioSource.Open(path, stream),
            _ => OggVorbisAudioSource.Open(path, stream),
        };
    }

    /// <summary>Wraps interleaved float PCM the host already holds. The samples are not copied: keep them unchanged while the source is used.</summary>
    /// <param name="name">A label for the audio, used in error messages (for example the host's track name).</param>
    /// <param name="sampleRate">The sample rate in Hz.</param>
    /// <param name="channelCount">The number of interleaved channels.</param>
    /// <param name="interleaved">The samples, <c>ch1, ch2, …, chN</c> per frame.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or the sample count is not a multiple of <paramref name="channelCount"/>.</exception>
    /// <exception cref="AudioFormatException">The sample rate or channel count is out of range, or there are no samples.</exception>
    /// <exception cref="InvalidAudioSampleException">A sample is NaN or infinite (checked here, before any read).</exception>
    public static IAudioSource FromPcm(string name, int sampleRate, int channelCount, ReadOnlyMemory<float> interleaved)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        AudioSourceBase.ValidateFormat(name, sampleRate, channelCount, interleaved.Length / Math.Max(channelCount, 1));
        if (interleaved.Length % channelCount != 0)
        {
            throw new ArgumentException(
                $"The PCM for '{name}' has {interleaved.Length} samples, which is not a whole number of {channelCount}-channel frames.",
                nameof(interleaved));
        }

        var span = interleaved.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new InvalidAudioSampleException(name, i / channelCount, (i % channelCount) + 1, span[i], sampleRate);
            }
        }

        return new PcmAudioSource(name, sampleRate, channelCount, interleaved);
    }

    internal static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.SequentialScan);
}
