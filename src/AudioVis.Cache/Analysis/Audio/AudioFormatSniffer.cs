using System.Globalization;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>Chooses a decoder from the first bytes of a file, never from its extension.</summary>
internal static class AudioFormatSniffer
{
    /// <summary>Enough for an Ogg page header with a full segment table and the first packet's signature.</summary>
    public const int HeaderLength = 27 + 255 + 8;

    public enum Container
    {
        Wav,
        Mp3,
        OggVorbis,
    }

    /// <summary>Identifies the container, or throws <see cref="AudioFormatException"/> naming what was found.</summary>
    /// <param name="name">The file path, for messages.</param>
    /// <param name="header">The first bytes of the file (fewer when the file is shorter than <see cref="HeaderLength"/>).</param>
    public static Container Identify(string name, ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            throw new AudioFormatException(name, AudioFormatProblem.Empty, "the file is empty (0 bytes)");
        }

        if (header.StartsWith("RIFF"u8))
        {
            if (header.Length < 12)
            {
                throw new AudioFormatException(name, AudioFormatProblem.Truncated, string.Create(CultureInfo.InvariantCulture, $"the RIFF header is truncated ({header.Length} bytes)"));
            }

            return header[8..12].SequenceEqual("WAVE"u8)
                ? Container.Wav
                : throw new AudioFormatException(name, AudioFormatProblem.Unrecognized, $"the RIFF file holds '{Printable(header[8..12])}' data, not WAVE");
        }

        if (header.StartsWith("OggS"u8))
        {
            return IdentifyOgg(name, header);
        }

        if (header.StartsWith("ID3"u8) || IsMpegFrameHeader(header))
        {
            return Container.Mp3;
        }

        var shown = header[..Math.Min(header.Length, 8)];
        throw new AudioFormatException(
            name,
            AudioFormatProblem.Unrecognized,
            $"the content is not WAV, MP3 or Ogg Vorbis (it starts with the bytes {System.Convert.ToHexString(shown)})");
    }

    /// <summary>
    /// An MPEG audio frame header: 11 sync bits, a defined version and layer, a bitrate index other than "bad"
    /// (1111) and a defined sample rate index.
    /// </summary>
    private static bool IsMpegFrameHeader(ReadOnlySpan<byte> header) =>
        header.Length >= 4
        && header[0] == 0xFF
        && (header[1] & 0xE0) == 0xE0
        && (header[1] & 0x18) != 0x08
        && (header[1] & 0x06) != 0x00
        && (header[2] & 0xF0) != 0xF0
        && (header[2] & 0x0C) != 0x0C;

    /// <summary>The first Ogg packet is the codec's identification header: <c>\x01vorbis</c> for Vorbis.</summary>
    private static Container IdentifyOgg(string name, ReadOnlySpan<byte> header)
    {
        if (header.Length < 27 || header.Length < 27 + header[26] + 8)
        {
            throw new AudioFormatException(name, AudioFormatProblem.Truncated, string.Create(CultureInfo.InvariantCulture, $"the first Ogg page is truncated ({header.Length} bytes)"));
        }

        var packet = header[(27 + header[26])..];
        if (packet.StartsWith("\u0001vorbis"u8))
        {
            return Container.OggVorbis;
        }

        var codec = packet.StartsWith("OpusHead"u8) ? "Opus"
            : packet.StartsWith("\u007FFLAC"u8) ? "FLAC"
            : packet.StartsWith("Speex"u8) ? "Speex"
            : $"an unknown codec ('{Printable(packet[..8])}')";
        throw new AudioFormatException(name, AudioFormatProblem.UnsupportedEncoding, $"the Ogg file holds {codec}, not Vorbis");
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        }

        return new string(chars);
    }
}
