using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Audio;

/// <summary>
/// Turns interleaved blocks into the single channel a descriptor's <see cref="ChannelAlias"/> names, without
/// allocating. Sums run over channels in ascending order, so the result does not depend on the hardware.
/// </summary>
/// <remarks>
/// <c>mono</c> is the mean of all channels; <c>L</c> = ch1, <c>R</c> = ch2, <c>mid</c> = (L + R) / 2,
/// <c>side</c> = (L − R) / 2 and <c>chN</c> = channel N. A mono file is treated as dual mono (L = R = the only
/// channel), so <c>L</c>, <c>R</c> and <c>mid</c> are that channel and <c>side</c> is silence (all zeros).
/// Numbered channels beyond the channel count are rejected with <see cref="AudioChannelNotAvailableException"/>.
/// </remarks>
internal sealed class ChannelExtractor
{
    private readonly Mode _mode;
    private readonly int _channelCount;
    private readonly int _offset;

    private ChannelExtractor(ChannelAlias alias, Mode mode, int channelCount, int offset)
    {
        Alias = alias;
        _mode = mode;
        _channelCount = channelCount;
        _offset = offset;
    }

    private enum Mode
    {
        Copy,
        Mean,
        Mid,
        Side,
        Zero,
    }

    /// <summary>Gets the alias this extractor produces.</summary>
    public ChannelAlias Alias { get; }

    /// <summary>Creates the extractor for one alias of one source.</summary>
    /// <exception cref="AudioChannelNotAvailableException">The source lacks the channel.</exception>
    public static ChannelExtractor Create(IAudioSource source, ChannelAlias alias)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Create(source.Name, source.ChannelCount, alias);
    }

    /// <summary>Creates the extractor for one alias and a channel count; <paramref name="sourceName"/> is for the error.</summary>
    /// <exception cref="AudioChannelNotAvailableException">There are fewer than the needed channels.</exception>
    public static ChannelExtractor Create(string sourceName, int channelCount, ChannelAlias alias)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channelCount);
        var stereo = channelCount >= 2;
        return alias.Kind switch
        {
            ChannelAliasKind.Mono => new ChannelExtractor(alias, channelCount == 1 ? Mode.Copy : Mode.Mean, channelCount, 0),
            ChannelAliasKind.Left => new ChannelExtractor(alias, Mode.Copy, channelCount, 0),
            ChannelAliasKind.Right => new ChannelExtractor(alias, Mode.Copy, channelCount, stereo ? 1 : 0),
            ChannelAliasKind.Mid => new ChannelExtractor(alias, stereo ? Mode.Mid : Mode.Copy, channelCount, 0),
            ChannelAliasKind.Side => new ChannelExtractor(alias, stereo ? Mode.Side : Mode.Zero, channelCount, 0),
            ChannelAliasKind.Numbered when alias.Number <= channelCount => new ChannelExtractor(alias, Mode.Copy, channelCount, alias.Number - 1),
            _ => throw new AudioChannelNotAvailableException(sourceName, alias, channelCount),
        };
    }

    /// <summary>Writes one value per whole frame of <paramref name="interleaved"/> into <paramref name="destination"/>.</summary>
    /// <param name="interleaved">A block of interleaved frames, as <see cref="IAudioSource.Read"/> returns it.</param>
    /// <param name="destination">Receives one value per frame; must hold them all.</param>
    /// <returns>The number of frames written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int Extract(ReadOnlySpan<float> interleaved, Span<float> destination)
    {
        var channels = _channelCount;
        var frames = interleaved.Length / channels;
        if (destination.Length < frames)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} values; the block has {frames} frames.",
                nameof(destination));
        }

        var output = destination[..frames];
        var done = channels == 2 && _mode is Mode.Copy or Mode.Mid or Mode.Side ? ExtractStereo(interleaved, output) : 0;
        interleaved = interleaved[(done * channels)..];
        output = output[done..];
        switch (_mode)
        {
            case Mode.Copy when channels == 1:
                interleaved[..frames].CopyTo(output);
                break;
            case Mode.Copy:
                for (int f = 0, i = _offset; f < output.Length; f++, i += channels)
                {
                    output[f] = interleaved[i];
                }

                break;
            case Mode.Mid:
                for (int f = 0, i = 0; f < output.Length; f++, i += channels)
                {
                    output[f] = (interleaved[i] + interleaved[i + 1]) * 0.5f;
                }

                break;
            case Mode.Side:
                for (int f = 0, i = 0; f < output.Length; f++, i += channels)
                {
                    output[f] = (interleaved[i] - interleaved[i + 1]) * 0.5f;
                }

                break;
            case Mode.Mean:
                for (int f = 0, i = 0; f < output.Length; f++, i += channels)
                {
                    var sum = interleaved[i];
                    for (var c = 1; c < channels; c++)
                    {
                        sum += interleaved[i + c];
                    }

                    output[f] = sum / channels;
                }

                break;
            default:
                output.Clear();
                break;
        }

        return frames;
    }

    // Stereo frames 16 at a time: the even (L) and odd (R) samples of two vectors are gathered with constant shuffles;
    // mid and side use the same exactly rounded (a ± b)·0.5 as the scalar loop. Returns the frames done.
    private int ExtractStereo(ReadOnlySpan<float> interleaved, Span<float> output)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }

        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 0, 0, 0, 0, 0, 0, 0, 0);
        var half = Vector512.Create(0.5f);
        var f = 0;
        for (; f <= output.Length - 16; f += 16)
        {
            var a = Vector512.Create<float>(interleaved[(2 * f)..]);
            var b = Vector512.Create<float>(interleaved[((2 * f) + 16)..]);
            var left = Vector512.Create(Vector512.Shuffle(a, even).GetLower(), Vector512.Shuffle(b, even).GetLower());
            var right = Vector512.Create(Vector512.Shuffle(a, odd).GetLower(), Vector512.Shuffle(b, odd).GetLower());
            var value = _mode switch
            {
                Mode.Mid => (left + right) * half,
                Mode.Side => (left - right) * half,
                _ => _offset == 0 ? left : right,
            };
            value.CopyTo(output[f..]);
        }

        return f;
    }
}
