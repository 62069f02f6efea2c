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
/// <para>
/// Frames go in two steps: the spectra of the channels read from the audio are computed into the slots of the buffered
/// frames (one thread), then each channel computes its descriptors over those slots, channels in parallel up to the
/// degree of parallelism; mid and side combine the L and R slots. Every computer sees its frames in order on one thread
/// at a time, so the bytes do not depend on the degree of parallelism.
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
    private readonly float[] _block;
    private readonly RealFftPlan _plan;
    private readonly Channel[] _channels;
    private readonly Channel[] _computing;
    private readonly IFrameSink? _sink;
    private readonly int _degreeOfParallelism;

    // Per buffered frame (slot): its index and where its window starts in the channels' histories.
    private readonly int[] _slotFrame;
    private readonly int[] _slotOffset;
    private readonly ParallelOptions? _parallelOptions;
    private readonly Action<int>? _computeChannel;
    private int _buffered;
    private int _computed;

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
    /// <param name="degreeOfParallelism">
    /// How many channels may compute their descriptors at the same time (1: all on the calling thread). The outputs are the
    /// same bytes for every value: each computer still sees its frames in order, on one thread at a time.
    /// </param>
    public StftPipeline(
        IAudioSource source,
        AnalysisContext context,
        IReadOnlyList<(ChannelExtractor Extractor, IReadOnlyList<IDescriptorFrameComputer> Computers)> channels,
        int frameCount,
        IFrameSink? sink = null,
        long outputBufferBytes = long.MaxValue,
        int degreeOfParallelism = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
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

        // The buffered spectra of the channels read from the audio count against the budget too (at most: mid and side add
        // L and R when they are not requested).
        var binCount = (parameters.FftSize / 2) + 1;
        var read = channels.Count(c => c.Extractor.Alias.Kind is not (ChannelAliasKind.Mid or ChannelAliasKind.Side)) + 2;
        frameBytes += read * 2L * binCount * sizeof(float);

        // So do the samples each channel keeps for the buffered frames not yet computed: a hop per frame.
        frameBytes += (channels.Count + 2L) * parameters.HopSize * sizeof(float);
        BufferFrames = (int)Math.Clamp(Math.Min(MaxBufferFrames, outputBufferBytes / Math.Max(frameBytes, 1)), 1, Math.Max(frameCount, 1));
        _window = AnalysisWindow.Create(parameters.WindowFunction, _windowSize);
        _windowed = new float[parameters.FftSize];
        _plan = new RealFftPlan(parameters.FftSize);
        _slotFrame = new int[BufferFrames];
        _slotOffset = new int[BufferFrames];
        _block = new float[BlockFrames * source.ChannelCount];
        var list = new List<Channel>(channels.Count + 2);
        foreach (var (extractor, computers) in channels)
        {
            list.Add(new Channel(extractor, [.. computers], _windowSize, _hopSize, BufferFrames, _plan.BinCount));
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
        _computing = [.. list.Where(c => c.Computers.Length > 0)];
        _degreeOfParallelism = Math.Min(degreeOfParallelism, Math.Max(_computing.Length, 1));
        if (_degreeOfParallelism > 1)
        {
            _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = _degreeOfParallelism };
            _computeChannel = c => ComputeSlots(_computing[c]);
        }
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

        var added = new Channel(ChannelExtractor.Create(source, alias), [], _windowSize, _hopSize, BufferFrames, _plan.BinCount);
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
            // First the spectra of the channels read from the audio, into the frame's slot; the channels' descriptors are
            // computed over all the slots at once in ComputePending when the buffer is full (one hand-over to the threads
            // per BufferFrames frames), so the history keeps the samples of the frames not yet computed.
            var offset = (int)(_nextStart - _historyStart);
            var slot = _buffered;
            var bins = _plan.BinCount;
            foreach (var channel in _channels)
            {
                if (channel.Left is null)
                {
                    // The tail of _windowed past N stays 0: the zero padding to the FFT size.
                    TensorPrimitives.Multiply(channel.History.AsSpan(offset, _windowSize), _window, _windowed.AsSpan(0, _windowSize));
                    _plan.Forward(_windowed, channel.Real.AsSpan(slot * bins, bins), channel.Imaginary.AsSpan(slot * bins, bins));
                }
            }

            _slotFrame[slot] = _nextFrame;
            _slotOffset[slot] = offset;
            _nextFrame++;
            _nextStart += _hopSize;
            if (++_buffered == BufferFrames || _nextFrame == FrameCount)
            {
                ComputePending();
                Flush();
            }
        }

        // Keep only the samples the buffered frames not yet computed and the next frames still need: fewer than
        // BufferFrames·hop + N, so a block always fits behind them (Channel.History).
        var keepFrom = _computed < _buffered ? _historyStart + _slotOffset[_computed] : _nextStart;
        var drop = (int)Math.Min(keepFrom - _historyStart, _filled);
        if (drop > 0)
        {
            foreach (var channel in _channels)
            {
                channel.History.AsSpan(drop, _filled - drop).CopyTo(channel.History);
            }

            for (var slot = _computed; slot < _buffered; slot++)
            {
                _slotOffset[slot] -= drop;
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
        _computed = 0;
    }

    // Computes every channel's descriptors for the slots filled since the last call: channel by channel, in parallel when
    // allowed. Each channel owns its computers and scratch, and reads the L and R slots only, so the order is free.
    private void ComputePending()
    {
        if (_computed == _buffered)
        {
            return;
        }

        if (_parallelOptions is null)
        {
            foreach (var channel in _computing)
            {
                ComputeSlots(channel);
            }
        }
        else
        {
            try
            {
                Parallel.For(0, _computing.Length, _parallelOptions, _computeChannel!);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // Report what a computer threw, as on one thread.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }

        _computed = _buffered;
    }

    private void ComputeSlots(Channel channel)
    {
        var bins = _plan.BinCount;
        var computers = channel.Computers;
        var outputs = channel.Outputs;
        var valuesPerFrame = channel.ValuesPerFrame;
        for (var slot = _computed; slot < _buffered; slot++)
        {
            ReadOnlySpan<float> real;
            ReadOnlySpan<float> imaginary;
            if (channel.Left is { } left)
            {
                var right = channel.Right!;
                Combine(left.Real.AsSpan(slot * bins, bins), right.Real.AsSpan(slot * bins, bins), channel.Sign, channel.Real);
                Combine(left.Imaginary.AsSpan(slot * bins, bins), right.Imaginary.AsSpan(slot * bins, bins), channel.Sign, channel.Imaginary);
                real = channel.Real;
                imaginary = channel.Imaginary;
            }
            else
            {
                real = channel.Real.AsSpan(slot * bins, bins);
                imaginary = channel.Imaginary.AsSpan(slot * bins, bins);
            }

            PowerAndMagnitude(real, imaginary, channel.Power, channel.Magnitudes);
            channel.LogPower.Invalidate();
            var offset = _slotOffset[slot];
            var frame = new AnalysisFrame(
                _slotFrame[slot], channel.History.AsSpan(offset, _windowSize), channel.History.AsSpan(offset, _hopSize), channel.Magnitudes, channel.Power, channel.LogPower);
            for (var i = 0; i < computers.Length; i++)
            {
                var count = valuesPerFrame[i];
                computers[i].Compute(in frame, outputs[i].AsSpan(slot * count, count));
            }
        }
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

    private sealed class Channel
    {
        private readonly int _binCount;

        public Channel(ChannelExtractor extractor, IDescriptorFrameComputer[] computers, int windowSize, int hopSize, int bufferFrames, int binCount)
        {
            // A channel read from the audio keeps the spectrum of every buffered frame; a derived one (mid, side) only the
            // frame it is computing. Not known yet here (DeriveFrom comes later): sized for slots, trimmed in DeriveFrom.
            Real = new float[bufferFrames * binCount];
            Imaginary = new float[bufferFrames * binCount];
            _binCount = binCount;
            if (computers.Length > 0)
            {
                Magnitudes = new float[binCount];
                Power = new float[binCount];
                LogPower = new LogPowerBuffer(binCount);
            }
            else
            {
                Magnitudes = Power = [];
                LogPower = new LogPowerBuffer(0);
            }

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

            // The frames buffered but not computed (fewer than bufferFrames, starting a hop apart, each N long, with less
            // than a hop after the last) and one more block.
            History = new float[windowSize + (bufferFrames * hopSize) + BlockFrames];
        }

        public ChannelExtractor Extractor { get; }

        /// <summary>Gets the real parts of the buffered frames' spectra, slot by slot (a derived channel: the current frame's).</summary>
        public float[] Real { get; private set; }

        /// <summary>Gets the imaginary parts, as <see cref="Real"/>.</summary>
        public float[] Imaginary { get; private set; }

        /// <summary>Gets the magnitudes of the frame being computed (scratch of this channel's computers).</summary>
        public float[] Magnitudes { get; }

        /// <summary>Gets the power of the frame being computed.</summary>
        public float[] Power { get; }

        /// <summary>Gets the log power of the frame being computed, computed once on first use.</summary>
        public LogPowerBuffer LogPower { get; }

        /// <summary>Gets the L channel when this channel's spectrum is derived, (X_L + Sign·X_R)/2; otherwise null.</summary>
        public Channel? Left { get; private set; }

        public Channel? Right { get; private set; }

        public float Sign { get; private set; }

        public IDescriptorFrameComputer[] Computers { get; }

        public int[] ValuesPerFrame { get; }

        public float[][] Outputs { get; }

        public float[] History { get; }

        public void DeriveFrom(Channel left, Channel right, float sign)
        {
            (Left, Right, Sign) = (left, right, sign);
            Real = new float[_binCount];
            Imaginary = new float[_binCount];
        }

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
