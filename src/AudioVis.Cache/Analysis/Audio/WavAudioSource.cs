using System.Buffers.Binary;
using System.Globalization;
using NAudio.Wave;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// WAV through NAudio.Core's <see cref="WaveFileReader"/>: integer PCM of 8, 16, 24 or 32 bits and 32-bit IEEE
/// float, plain or WAVE_FORMAT_EXTENSIBLE. Integer samples are scaled by 1/2^(bits−1), so full scale maps to
/// [-1, 1); 8-bit samples are unsigned with 128 as zero.
/// </summary>
internal sealed class WavAudioSource : AudioSourceBase
{
    private const int BlockFrames = 4096;

    private readonly Stream _stream;
    private readonly WaveFileReader _reader;
    private readonly SampleKind _kind;
    private readonly int _bytesPerSample;
    private readonly byte[] _bytes;

    private WavAudioSource(string name, Stream stream, WaveFileReader reader)
        : base(name)
    {
        _stream = stream;
        _reader = reader;
        var format = reader.WaveFormat;
        ValidateRanges(name, format.SampleRate, format.Channels);
        (_kind, _bytesPerSample) = Classify(name, format);
        if (format.BlockAlign != _bytesPerSample * format.Channels)
        {
            throw new AudioFormatException(
                name,
                AudioFormatProblem.Malformed,
                string.Create(CultureInfo.InvariantCulture, $"the block align is {format.BlockAlign} bytes but {format.Channels} channels of {format.BitsPerSample} bits need {_bytesPerSample * format.Channels}"));
        }

        // NAudio clamps a data chunk that claims more bytes than the file holds; a trailing partial frame is dropped.
        SetFormat(format.SampleRate, format.Channels, reader.Length / format.BlockAlign);
        _bytes = new byte[BlockFrames * format.BlockAlign];
    }

    private enum SampleKind
    {
        UnsignedByte,
        Int16,
        Int24,
        Int32,
        Float32,
    }

    /// <summary>Reads the RIFF header from an open stream; takes ownership of <paramref name="stream"/>.</summary>
    public static WavAudioSource Open(string name, Stream stream)
    {
        WaveFileReader? reader = null;
        try
        {
            reader = new WaveFileReader(stream);
            return new WavAudioSource(name, stream, reader);
        }
        catch (Exception ex)
        {
            reader?.Dispose();
            stream.Dispose();
            if (IsDecoderFailure(ex))
            {
                throw ex is EndOfStreamException
                    ? new AudioFormatException(name, AudioFormatProblem.Truncated, $"the WAV header is truncated ({ex.Message})", ex)
                    : new AudioFormatException(name, AudioFormatProblem.Malformed, $"the WAV header is malformed ({ex.Message})", ex);
            }

            throw;
        }
    }

    protected override int ReadCore(Span<float> destination)
    {
        var channels = ChannelCount;
        var frames = Math.Min(destination.Length / channels, BlockFrames);
        var wanted = frames * channels * _bytesPerSample;
        var got = 0;
        while (got < wanted)
        {
            var n = _reader.Read(_bytes.AsSpan(got, wanted - got));
            if (n == 0)
            {
                break;
            }

            got += n;
        }

        var samples = got / _bytesPerSample;
        Convert(_bytes.AsSpan(0, samples * _bytesPerSample), destination[..samples]);
        return samples;
    }

    protected override void RewindCore() => _reader.Position = 0;

    protected override void DisposeCore()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private static (SampleKind Kind, int BytesPerSample) Classify(string name, WaveFormat format)
    {
        var encoding = format.Encoding;
        var isFloat = encoding == WaveFormatEncoding.IeeeFloat;
        var isPcm = encoding == WaveFormatEncoding.Pcm;
        var encodingName = encoding.ToString();
        if (encoding == WaveFormatEncoding.Extensible)
        {
            var subFormat = ExtensibleSubFormat(name, format);
            isFloat = subFormat == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT;
            isPcm = subFormat == AudioMediaSubtypes.MEDIASUBTYPE_PCM;
            encodingName = $"Extensible ({subFormat})";
        }

        return (isPcm, isFloat, format.BitsPerSample) switch
        {
            (true, _, 8) => (SampleKind.UnsignedByte, 1),
            (true, _, 16) => (SampleKind.Int16, 2),
            (true, _, 24) => (SampleKind.Int24, 3),
            (true, _, 32) => (SampleKind.Int32, 4),
            (_, true, 32) => (SampleKind.Float32, 4),
            (true, _, _) or (_, true, _) => throw new AudioFormatException(
                name,
                AudioFormatProblem.UnsupportedEncoding,
                string.Create(CultureInfo.InvariantCulture, $"{format.BitsPerSample}-bit {encodingName} samples are not supported (PCM 8/16/24/32-bit and 32-bit IEEE float are)")),
            _ => throw new AudioFormatException(
                name,
                AudioFormatProblem.UnsupportedEncoding,
                $"the WAV encoding {encodingName} is not supported (PCM 8/16/24/32-bit and 32-bit IEEE float are)"),
        };
    }

    /// <summary>
    /// The sub-format GUID of WAVE_FORMAT_EXTENSIBLE. NAudio's reader keeps the extension as raw extra bytes:
    /// valid bits (2), channel mask (4), then the GUID (16).
    /// </summary>
    private static Guid ExtensibleSubFormat(string name, WaveFormat format) => format switch
    {
        WaveFormatExtensible extensible => extensible.SubFormat,
        WaveFormatExtraData { ExtraData.Length: >= 22 } extra => new Guid(extra.ExtraData.AsSpan(6, 16)),
        _ => throw new AudioFormatException(
            name,
            AudioFormatProblem.Malformed,
            string.Create(CultureInfo.InvariantCulture, $"the WAVE_FORMAT_EXTENSIBLE header has {format.ExtraSize} extension bytes; 22 are needed")),
    };

    private void Convert(ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (_kind)
        {
            case SampleKind.UnsignedByte:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (source[i] - 128) * (1f / 128);
                }

                break;
            case SampleKind.Int16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]) * (1f / 32768);
                }

                break;
            case SampleKind.Int24:
                for (var i = 0; i < destination.Length; i++)
                {
                    var b = 3 * i;

                    // Assemble the 24 bits at the top of an int, then shift back arithmetically to sign-extend.
                    var value = ((source[b] << 8) | (source[b + 1] << 16) | (source[b + 2] << 24)) >> 8;
                    destination[i] = value * (1f / 8388608);
                }

                break;
            case SampleKind.Int32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]) * (1f / 2147483648);
                }

                break;
            default:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                }

                break;
        }
    }
}
