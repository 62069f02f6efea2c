using NVorbis;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// Ogg Vorbis through NVorbis's <see cref="VorbisReader"/> (the first logical stream). The frame count is the
/// granule position of the last page, which is exact for files written by a conforming encoder.
/// </summary>
internal sealed class OggVorbisAudioSource : AudioSourceBase
{
    private readonly string _path;
    private VorbisReader _decoder;

    private OggVorbisAudioSource(string path, VorbisReader decoder)
        : base(path)
    {
        _path = path;
        _decoder = decoder;
        SetFormat(decoder.SampleRate, decoder.Channels, decoder.TotalSamples);
    }

    /// <summary>Opens the decoder on an open stream; takes ownership of <paramref name="stream"/>.</summary>
    public static OggVorbisAudioSource Open(string path, Stream stream)
    {
        VorbisReader? decoder = null;
        try
        {
            decoder = CreateDecoder(stream);
            return new OggVorbisAudioSource(path, decoder);
        }
        catch (Exception ex)
        {
            decoder?.Dispose();
            stream.Dispose();
            if (IsDecoderFailure(ex))
            {
                throw new AudioFormatException(path, AudioFormatProblem.Malformed, $"the Ogg Vorbis stream cannot be decoded ({ex.Message})", ex);
            }

            throw;
        }
    }

    protected override int ReadCore(Span<float> destination)
    {
        // NVorbis reads whole frames only.
        var whole = destination.Length - (destination.Length % ChannelCount);
        return _decoder.ReadSamples(destination[..whole]);
    }

    /// <summary>Reopens the file so every pass starts from a fresh decoder state.</summary>
    protected override void RewindCore()
    {
        var stream = AudioSources.OpenFile(_path);
        VorbisReader decoder;
        try
        {
            decoder = CreateDecoder(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        _decoder.Dispose();
        _decoder = decoder;
    }

    protected override void DisposeCore() => _decoder.Dispose();

    // ClipSamples is off so the decoded values are exactly the decoder's output, clamped by no one. The guard ends
    // NVorbis's endless reads at the end of some damaged files.
    private static VorbisReader CreateDecoder(Stream stream) => new(new EndOfStreamGuardStream(stream), closeOnDispose: true) { ClipSamples = false };
}
