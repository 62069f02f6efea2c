using AudioVis.Cache.Analysis.Audio;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>A track computed as it is read (a sine sweep plus seeded noise), so its length costs no memory.</summary>
internal sealed class GeneratedSource(string name, double seconds, int channels) : IAudioSource
{
    private const int Rate = 48_000;
    private readonly Random _random = new(42);
    private long _position;

    public string Name => name;

    public int SampleRate => Rate;

    public int ChannelCount => channels;

    public long FrameCount { get; } = (long)(seconds * Rate);

    public int Read(Span<float> interleaved)
    {
        var frames = (int)Math.Min(interleaved.Length / channels, FrameCount - _position);
        for (var i = 0; i < frames; i++, _position++)
        {
            var t = _position / (double)Rate;
            var tone = (float)(0.4 * Math.Sin(2 * Math.PI * (220 + (20 * (t % 60))) * t));
            for (var c = 0; c < channels; c++)
            {
                interleaved[(i * channels) + c] = tone + (0.05f * (_random.NextSingle() - 0.5f));
            }
        }

        return frames * channels;
    }

    public void Rewind()
    {
        _position = 0;
    }

    public void Dispose()
    {
    }
}
