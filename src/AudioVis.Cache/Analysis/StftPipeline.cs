using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Analysis.Fft;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The state of one analysis: one decode pass in blocks, one sliding window and one STFT per distinct channel, and
/// every computer of that channel fed from the shared frame. Created per call, so concurrent analyses share nothing.
/// </summary>
/// <remarks>
/// Frame <c>k</c> covers samples <c>[k·hop, k·hop + N)</c>; frames run while the window fits, so a final partial
/// window is dropped and a track shorter than one window has 0 frames (<see cref="GetFrameCount"/>).
/// After construction nothing in <see cref="Run"/> allocates (progress reports aside).
/// <para>
/// Outputs are streamed: every computer writes into a buffer of <see cref="BufferFrames"/> frames (rented from the shared
/// array pool, so a second analysis reuses the memory of the first), and each time the buffers are full, and after the
/// last frame, they are handed to the <see cref="IFrameSink"/> in frame order. Memory therefore does not grow with the
/// track. Dispose the pipeline to return the buffers.
/// </para>
/// </remarks>
internal sealed class StftPipeline : IDisposable
{
    /// <summary>Frames read from the source per block.</summary>
    public const int BlockFrames = 4096;

    /// <summary>
    /// The most frames an output buffer holds: enough to make each hand-over to the sink cheap, few enough that the
    /// buffers of a four-channel analysis stay in the CPU's cache between being written and being handed on.
    /// </summary>
    public const int MaxBufferFrames = 32;

    private readonly IAudioSource _source;
    private readonly int _windowSize;
    private readonly int _hopSize;
    private readonly float[] _window;
    private readonly float[] _windowed;
    private readonly float[] _magnitudes;
    private readonly float[] _power;
    private readonly LogPowerBuffer _logPower;
    private readonly float[] _block;
    private readonly RealFftPlan _plan;
    private readonly Channel[] _channels;
    private readonly IFrameSink? _sink;
    private int _buffered;

    // All channels hold the same stretch of the track and advance together (see ProcessBlock), so the position is shared.
    private long _historyStart;
    private int _filled;
    private int _nextFrame;
    private long _nextStart;

    /// <summary>Initializes a new instance of the <see cref="StftPipeline"/> class and allocates everything a run needs.</summary>
    /// <param name="source">The audio, at its first frame.</param>
    /// <param name="context">The sample rate and parameters.</param>
    /// <param name="channels">Per distinct channel: its extractor and the computers that read it.</param>
    /// <param name="frameCount">The number of frames (<see cref="GetFrameCount"/>).</param>
    /// <param name="sink">Receives the outputs in frame chunks; <see langword="null"/> to compute and discard them.</param>
    /// <param name="outputBufferBytes">
    /// The most memory the output buffers may take together; they hold <see cref="MaxBufferFrames"/> frames or fewer, at least one.
    /// </param>
    public StftPipeline(
        IAudioSource source,
        AnalysisContext context,
        IReadOnlyList<(ChannelExtractor Extractor, IReadOnlyList<IDescriptorFrameComputer> Computers)> channels,
        int frameCount,
        IFrameSink? sink = null,
        long outputBufferBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channels);
        var parameters = context.Parameters;
        _source = source;
        _windowSize = parameters.WindowSize;
        _hopSize = parameters.HopSize;
        FrameCount = frameCount;
        _sink = sink;
        var frameBytes = 0L;
        foreach (var (_, computers) in channels)
        {
            foreach (var computer in computers)
            {
                frameBytes += (long)computer.ValuesPerFrame * sizeof(float);
            }
        }

        BufferFrames = (int)Math.Clamp(Math.Min(MaxBufferFrames, outputBufferBytes / Math.Max(frameBytes, 1)), 1, Math.Max(frameCount, 1));
        _window = AnalysisWindow.Create(parameters.WindowFunction, _windowSize);
        _windowed = new float[parameters.FftSize];
        _plan = new RealFftPlan(parameters.FftSize);
        _magnitudes = new float[_plan.BinCount];
        _power = new float[_plan.BinCount];
        _logPower = new LogPowerBuffer(_plan.BinCount);
        _block = new float[BlockFrames * source.ChannelCount];
        var list = new List<Channel>(channels.Count + 2);
        foreach (var (extractor, computers) in channels)
        {
            list.Add(new Channel(extractor, [.. computers], _windowSize, BufferFrames, _plan.BinCount));
        }

        // With two or more channels, mid and side spectra are (X_L ± X_R)/2 of the L and R spectra (the FFT is linear),
        // whatever else the request holds, so their values never depend on which other descriptors were requested. L and R
        // are transformed once, as channels without computers when the request does not name them.
        if (source.ChannelCount >= 2)
        {
            Channel? left = null;
            Channel? right = null;
            foreach (var channel in list.ToArray())
            {
                var kind = channel.Extractor.Alias.Kind;
                if (kind is not (ChannelAliasKind.Mid or ChannelAliasKind.Side))
                {
                    continue;
                }

                left ??= FindOrAdd(list, source, ChannelAlias.Left, frameCount);
                right ??= FindOrAdd(list, source, ChannelAlias.Right, frameCount);
                channel.DeriveFrom(left, right, kind == ChannelAliasKind.Mid ? 1f : -1f);
            }
        }

        _channels = [.. list];
    }

    /// <summary>Gets the number of frames every output holds.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the number of frames each output buffer holds before it is handed to the sink.</summary>
    public int BufferFrames { get; }

    /// <summary>Gets the number of frames decoded so far.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>The number of frames of a track: <c>floor((frames − N) / hop) + 1</c> when at least one window fits, else 0.</summary>
    /// <param name="sourceFrames">The track's length in samples per channel.</param>
    /// <param name="windowSize">N.</param>
    /// <param name="hopSize">The hop.</param>
    /// <returns>The frame count.</returns>
    public static long GetFrameCount(long sourceFrames, int windowSize, int hopSize) =>
        sourceFrames < windowSize ? 0 : ((sourceFrames - windowSize) / hopSize) + 1;

    private Channel FindOrAdd(List<Channel> channels, IAudioSource source, ChannelAlias alias, int frameCount)
    {
        foreach (var channel in channels)
        {
            if (channel.Extractor.Alias.Kind == alias.Kind)
            {
                return channel;
            }
        }

        var added = new Channel(ChannelExtractor.Create(source, alias), [], _windowSize, BufferFrames, _plan.BinCount);
        channels.Add(added);
        return added;
    }

    /// <summary>Returns the output buffers to the pool.</summary>
    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.ReturnOutputs();
        }
    }

    /// <summary>Decodes the whole source once and computes every frame of every channel.</summary>
    /// <param name="hasher">Receives every decoded block; <see langword="null"/> when the source hashes on its own (resampling).</param>
    /// <param name="onBlock">Called after each block (for progress); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="AudioFormatException">The source ended before all frames were computed.</exception>
    public void Run(AudioContentHasher? hasher, Action<StftPipeline>? onBlock, CancellationToken cancellationToken)
    {
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
            hasher?.Append(interleaved);
            FramesDecoded += read / channelCount;
            ProcessBlock(interleaved);

            onBlock?.Invoke(this);
        }

        if (_nextFrame != FrameCount)
        {
            throw new AudioFormatException(
                _source.Name,
                AudioFormatProblem.Truncated,
                $"the audio ended after {FramesDecoded} frames, {_nextFrame} of {FrameCount} analysis frames were computed");
        }
    }

    // Every channel receives the same frames of each block, so all channels advance in lockstep: frame k of every channel
    // is computed before frame k + 1 of any, which lets mid and side read the L and R spectra of the same frame.
    private void ProcessBlock(ReadOnlySpan<float> interleaved)
    {
        // Every extractor writes one value per whole frame of the block, so all channels gain the same count.
        var written = 0;
        foreach (var channel in _channels)
        {
            written = channel.Extractor.Extract(interleaved, channel.History.AsSpan(_filled));
        }

        _filled += written;
        var end = _historyStart + _filled;
        while (_nextFrame < FrameCount && _nextStart + _windowSize <= end)
        {
            var offset = (int)(_nextStart - _historyStart);
            foreach (var channel in _channels)
            {
                if (channel.Left is null)
                {
                    // The tail of _windowed past N stays 0: the zero padding to the FFT size.
                    TensorPrimitives.Multiply(channel.History.AsSpan(offset, _windowSize), _window, _windowed.AsSpan(0, _windowSize));
                    _plan.Forward(_windowed, channel.Real, channel.Imaginary);
                }
            }

            foreach (var channel in _channels)
            {
                if (channel.Left is not null)
                {
                    Combine(channel.Left.Real, channel.Right!.Real, channel.Sign, channel.Real);
                    Combine(channel.Left.Imaginary, channel.Right.Imaginary, channel.Sign, channel.Imaginary);
                }

                if (channel.Computers.Length > 0)
                {
                    ComputeFrame(channel, _nextFrame, channel.History.AsSpan(offset, _windowSize), channel.History.AsSpan(offset, _hopSize));
                }
            }

            _nextFrame++;
            _nextStart += _hopSize;
            if (++_buffered == BufferFrames || _nextFrame == FrameCount)
            {
                Flush();
            }
        }

        // Keep only the samples the next frames still need: fewer than N, so a block always fits behind them.
        var drop = (int)Math.Min(_nextStart - _historyStart, _filled);
        if (drop > 0)
        {
            foreach (var channel in _channels)
            {
                channel.History.AsSpan(drop, _filled - drop).CopyTo(channel.History);
            }

            _filled -= drop;
            _historyStart += drop;
        }
    }

    // Hands the buffered frames of every output to the sink, in channel and computer order.
    private void Flush()
    {
        for (var c = 0; c < _channels.Length; c++)
        {
            var channel = _channels[c];
            for (var i = 0; i < channel.Computers.Length; i++)
            {
                _sink?.Write(c, i, channel.Outputs[i].AsSpan(0, _buffered * channel.ValuesPerFrame[i]));
            }
        }

        _buffered = 0;
    }

    // (a ± b)·0.5 element by element. Every operation here is exactly rounded, so the vector and scalar loops give the
    // same bits on every width.
    private static void Combine(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float sign, Span<float> destination)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var half = Vector512.Create(0.5f);
            for (; i <= a.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var x = Vector512.Create<float>(a[i..]);
                var y = Vector512.Create<float>(b[i..]);
                ((sign > 0 ? x + y : x - y) * half).CopyTo(destination[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            destination[i] = (sign > 0 ? a[i] + b[i] : a[i] - b[i]) * 0.5f;
        }
    }

    // power = re·re + im·im (no fused multiply-add), |X| = √power, element by element.
    private static void PowerAndMagnitude(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> power, Span<float> magnitudes)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= re.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var r = Vector512.Create<float>(re[i..]);
                var m = Vector512.Create<float>(im[i..]);
                var p = (r * r) + (m * m);
                p.CopyTo(power[i..]);
                Vector512.Sqrt(p).CopyTo(magnitudes[i..]);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            for (; i <= re.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var r = new Vector<float>(re[i..]);
                var m = new Vector<float>(im[i..]);
                var p = (r * r) + (m * m);
                p.CopyTo(power[i..]);
                Vector.SquareRoot(p).CopyTo(magnitudes[i..]);
            }
        }

        for (; i < re.Length; i++)
        {
            var p = (re[i] * re[i]) + (im[i] * im[i]);
            power[i] = p;
            magnitudes[i] = MathF.Sqrt(p);
        }
    }

    private void ComputeFrame(Channel channel, int index, ReadOnlySpan<float> samples, ReadOnlySpan<float> hopSamples)
    {
        PowerAndMagnitude(channel.Real, channel.Imaginary, _power, _magnitudes);
        _logPower.Invalidate();
        var frame = new AnalysisFrame(index, samples, hopSamples, _magnitudes, _power, _logPower);
        var computers = channel.Computers;
        var outputs = channel.Outputs;
        var valuesPerFrame = channel.ValuesPerFrame;
        for (var i = 0; i < computers.Length; i++)
        {
            var count = valuesPerFrame[i];
            computers[i].Compute(in frame, outputs[i].AsSpan(_buffered * count, count));
        }
    }

    private sealed class Channel
    {
        public Channel(ChannelExtractor extractor, IDescriptorFrameComputer[] computers, int windowSize, int bufferFrames, int binCount)
        {
            Real = new float[binCount];
            Imaginary = new float[binCount];
            Extractor = extractor;
            Computers = computers;
            ValuesPerFrame = new int[computers.Length];
            Outputs = new float[computers.Length][];
            for (var i = 0; i < computers.Length; i++)
            {
                ValuesPerFrame[i] = computers[i].ValuesPerFrame;
                // Pooled, not cleared: every computer writes all its values of every frame before the buffer is handed on.
                Outputs[i] = ArrayPool<float>.Shared.Rent(checked(bufferFrames * ValuesPerFrame[i]));
            }

            History = new float[windowSize + BlockFrames];
        }

        public ChannelExtractor Extractor { get; }

        /// <summary>Gets the real parts of the current frame's spectrum.</summary>
        public float[] Real { get; }

        /// <summary>Gets the imaginary parts of the current frame's spectrum.</summary>
        public float[] Imaginary { get; }

        /// <summary>Gets the L channel when this channel's spectrum is derived, (X_L + Sign·X_R)/2; otherwise null.</summary>
        public Channel? Left { get; private set; }

        public Channel? Right { get; private set; }

        public float Sign { get; private set; }

        public IDescriptorFrameComputer[] Computers { get; }

        public int[] ValuesPerFrame { get; }

        public float[][] Outputs { get; }

        public float[] History { get; }

        public void DeriveFrom(Channel left, Channel right, float sign) => (Left, Right, Sign) = (left, right, sign);

        public void ReturnOutputs()
        {
            for (var i = 0; i < Outputs.Length; i++)
            {
                if (Outputs[i].Length > 0)
                {
                    ArrayPool<float>.Shared.Return(Outputs[i]);
                    Outputs[i] = [];
                }
            }
        }
    }
}

/// <summary>Receives the outputs of a <see cref="StftPipeline"/> in frame chunks, in frame order.</summary>
internal interface IFrameSink
{
    /// <summary>Takes whole frames of one output; the span is valid only during the call.</summary>
    /// <param name="channel">The channel's index, in the order given to the pipeline.</param>
    /// <param name="computer">The computer's index within its channel.</param>
    /// <param name="frames">Whole frames, frame-major.</param>
    void Write(int channel, int computer, ReadOnlySpan<float> frames);
}
