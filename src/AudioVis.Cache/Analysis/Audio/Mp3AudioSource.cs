using NLayer;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// MPEG audio (layers I–III) through NLayer's <see cref="MpegFile"/>. The frame count is the length NLayer
/// reports when the file is opened: from the Xing/LAME header when present (which trims the encoder's padding),
/// otherwise from a scan of the frame headers. Part of the codec delay stays at the start (about 530 frames for
/// a LAME file), as NLayer decodes it.
/// </summary>
internal sealed class Mp3AudioSource : AudioSourceBase
{
    private readonly string _path;
    private Stream _stream;
    private MpegFile _decoder;

    private Mp3AudioSource(string path, Stream stream, MpegFile decoder)
        : base(path)
    {
        _path = path;
        _stream = stream;
        _decoder = decoder;
        var channels = decoder.Channels;
        SetFormat(decoder.SampleRate, channels, channels > 0 ? decoder.Length / (channels * sizeof(float)) : 0);
    }

    /// <summary>Opens the decoder on an open stream; takes ownership of <paramref name="stream"/>.</summary>
    public static Mp3AudioSource Open(string path, Stream stream)
    {
        MpegFile? decoder = null;
        try
        {
            decoder = new MpegFile(stream);
            return new Mp3AudioSource(path, stream, decoder);
        }
        catch (Exception ex)
        {
            decoder?.Dispose();
            stream.Dispose();
            if (IsDecoderFailure(ex))
            {
                throw new AudioFormatException(path, AudioFormatProblem.Malformed, $"the MP3 stream cannot be decoded ({ex.Message})", ex);
            }

            throw;
        }
    }

    protected override int ReadCore(Span<float> destination) => _decoder.ReadSamples(destination);

    /// <summary>Reopens the file: a fresh decoder has no bit reservoir or overlap state, so passes are identical.</summary>
    protected override void RewindCore()
    {
        var stream = AudioSources.OpenFile(_path);
        try
        {
            var decoder = new MpegFile(stream);
            _decoder.Dispose();
            _stream.Dispose();
            _decoder = decoder;
            _stream = stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    protected override void DisposeCore()
    {
        _decoder.Dispose();
        _stream.Dispose();
    }
}
