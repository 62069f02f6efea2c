using System.Numerics;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Analysis.Fft;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The state of one analysis: one decode pass in blocks, one sliding window and one STFT per distinct channel, and
/// every computer of that channel fed from the shared frame. Created per call, so concurrent analyses share nothing.
/// </summary>
/// <remarks>
/// Frame <c>k</c> covers samples <c>[k·hop, k·hop + N)</c>; frames run while the window fits, so a final partial
/// window is dropped and a track shorter than one window has 0 frames (<see cref="GetFrameCount"/>).
/// After construction nothing in <see cref="Run"/> allocates (progress reports aside).
/// </remarks>
internal sealed class StftPipeline
{
    /// <summary>Frames read from the source per block.</summary>
    public const int BlockFrames = 4096;

    private readonly IAudioSource _source;
    private readonly int _windowSize;
    private readonly int _hopSize;
    private readonly float[] _window;
    private readonly float[] _windowed;
    private readonly float[] _magnitudes;
    private readonly float[] _power;
    private readonly float[] _block;
    private readonly RealFftPlan _plan;
    private readonly Channel[] _channels;

    /// <summary>Initializes a new instance of the <see cref="StftPipeline"/> class and allocates everything a run needs.</summary>
    /// <param name="source">The audio, at its first frame.</param>
    /// <param name="context">The sample rate and parameters.</param>
    /// <param name="channels">Per distinct channel: its extractor and the computers that read it.</param>
    /// <param name="frameCount">The number of frames (<see cref="GetFrameCount"/>).</param>
    public StftPipeline(IAudioSource source, AnalysisContext context, IReadOnlyList<(ChannelExtractor Extractor, IReadOnlyList<IDescriptorFrameComputer> Computers)> channels, int frameCount)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channels);
        var parameters = context.Parameters;
        _source = source;
        _windowSize = parameters.WindowSize;
        _hopSize = parameters.HopSize;
        FrameCount = frameCount;
        _window = AnalysisWindow.Create(parameters.WindowFunction, _windowSize);
        _windowed = new float[parameters.FftSize];
        _plan = new RealFftPlan(parameters.FftSize);
        _magnitudes = new float[_plan.BinCount];
        _power = new float[_plan.BinCount];
        _block = new float[BlockFrames * source.ChannelCount];
        _channels = new Channel[channels.Count];
        for (var c = 0; c < _channels.Length; c++)
        {
            _channels[c] = new Channel(channels[c].Extractor, [.. channels[c].Computers], _windowSize, frameCount);
        }
    }

    /// <summary>Gets the number of frames every output holds.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the number of frames decoded so far.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>The number of frames of a track: <c>floor((frames − N) / hop) + 1</c> when at least one window fits, else 0.</summary>
    /// <param name="sourceFrames">The track's length in samples per channel.</param>
    /// <param name="windowSize">N.</param>
    /// <param name="hopSize">The hop.</param>
    /// <returns>The frame count.</returns>
    public static long GetFrameCount(long sourceFrames, int windowSize, int hopSize) =>
        sourceFrames < windowSize ? 0 : ((sourceFrames - windowSize) / hopSize) + 1;

    /// <summary>Gets the output of computer <paramref name="computer"/> of channel <paramref name="channel"/>, frame-major.</summary>
    public float[] GetOutput(int channel, int computer) => _channels[channel].Outputs[computer];

    /// <summary>Decodes the whole source once and computes every frame of every channel.</summary>
    /// <param name="hasher">Receives every decoded block.</param>
    /// <param name="onBlock">Called after each block (for progress); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="AudioFormatException">The source ended before all frames were computed.</exception>
    public void Run(AudioContentHasher hasher, Action<StftPipeline>? onBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var channelCount = _source.ChannelCount;
        int read;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            read = _source.Read(_block);
            if (read <= 0)
            {
                break;
            }

            var interleaved = new ReadOnlySpan<float>(_block, 0, read);
            hasher.Append(interleaved);
            FramesDecoded += read / channelCount;
            foreach (var channel in _channels)
            {
                ProcessBlock(channel, interleaved);
            }

            onBlock?.Invoke(this);
        }

        foreach (var channel in _channels)
        {
            if (channel.NextFrame != FrameCount)
            {
                throw new AudioFormatException(
                    _source.Name,
                    AudioFormatProblem.Truncated,
                    $"the audio ended after {FramesDecoded} frames, {channel.NextFrame} of {FrameCount} analysis frames were computed");
            }
        }
    }

    // x·w element by element: IEEE multiplication is exactly rounded, so every vector width gives the same bits.
    private static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(x[i..]) * new Vector<float>(w[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            destination[i] = x[i] * w[i];
        }
    }

    private static void Square(ReadOnlySpan<float> x, Span<float> destination) => Multiply(x, x, destination);

    private void ProcessBlock(Channel channel, ReadOnlySpan<float> interleaved)
    {
        var history = channel.History;
        var written = channel.Extractor.Extract(interleaved, history.AsSpan(channel.Filled));
        channel.Filled += written;
        var end = channel.HistoryStart + channel.Filled;
        while (channel.NextFrame < FrameCount && channel.NextStart + _windowSize <= end)
        {
            var offset = (int)(channel.NextStart - channel.HistoryStart);
            ProcessFrame(channel, channel.NextFrame, history.AsSpan(offset, _windowSize), history.AsSpan(offset, _hopSize));
            channel.NextFrame++;
            channel.NextStart += _hopSize;
        }

        // Keep only the samples the next frames still need: fewer than N, so a block always fits behind them.
        var drop = (int)Math.Min(channel.NextStart - channel.HistoryStart, channel.Filled);
        if (drop > 0)
        {
            history.AsSpan(drop, channel.Filled - drop).CopyTo(history);
            channel.Filled -= drop;
            channel.HistoryStart += drop;
        }
    }

    private void ProcessFrame(Channel channel, int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples)
    {
        // The tail of _windowed past N stays 0: the zero padding to the FFT size.
        Multiply(samples, _window, _windowed.AsSpan(0, _windowSize));
        _plan.ForwardMagnitudes(_windowed, _magnitudes);
        Square(_magnitudes, _power);
        var frame = new AnalysisFrame(index, samples, hopSamples, _magnitudes, _power);
        var computers = channel.Computers;
        var outputs = channel.Outputs;
        var valuesPerFrame = channel.ValuesPerFrame;
        for (var i = 0; i < computers.Length; i++)
        {
            var count = valuesPerFrame[i];
            computers[i].Compute(in frame, outputs[i].AsSpan(index * count, count));
        }
    }

    private sealed class Channel
    {
        public Channel(ChannelExtractor extractor, IDescriptorFrameComputer[] computers, int windowSize, int frameCount)
        {
            Extractor = extractor;
            Computers = computers;
            ValuesPerFrame = new int[computers.Length];
            Outputs = new float[computers.Length][];
            for (var i = 0; i < computers.Length; i++)
            {
                ValuesPerFrame[i] = computers[i].ValuesPerFrame;
                Outputs[i] = new float[checked(frameCount * ValuesPerFrame[i])];
            }

            History = new float[windowSize + BlockFrames];
        }

        public ChannelExtractor Extractor { get; }

        public IDescriptorFrameComputer[] Computers { get; }

        public int[] ValuesPerFrame { get; }

        public float[][] Outputs { get; }

        public float[] History { get; }

        public long HistoryStart { get; set; }

        public int Filled { get; set; }

        public int NextFrame { get; set; }

        public long NextStart { get; set; }
    }
}
