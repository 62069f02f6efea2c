namespace AudioVis.Cache.Analysis.Audio;

/// <summary>A host's own interleaved PCM, already in memory.</summary>
internal sealed class PcmAudioSource : AudioSourceBase
{
    private readonly ReadOnlyMemory<float> _samples;
    private int _offset;

    public PcmAudioSource(string name, int sampleRate, int channelCount, ReadOnlyMemory<float> interleaved)
        : base(name)
    {
        SetFormat(sampleRate, channelCount, channelCount > 0 ? interleaved.Length / channelCount : 0);
        _samples = interleaved;
    }

    protected override int ReadCore(Span<float> destination)
    {
        var count = Math.Min(destination.Length, _samples.Length - _offset);
        _samples.Span.Slice(_offset, count).CopyTo(destination);
        _offset += count;
        return count;
    }

    protected override void RewindCore() => _offset = 0;

    protected override void DisposeCore()
    {
    }
}
