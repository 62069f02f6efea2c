using System.Numerics;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>time</c> calculator: <c>rms</c>, <c>peak</c> and <c>zcr</c> of the unwindowed frame.</summary>
/// <remarks>
/// Version 3: <c>rms</c> sums x² in float, per hop block in <see cref="FloatReductions"/> order, the blocks then in order
/// (version 2: double in <see cref="FixedOrderSum"/> order over the frame); <c>peak</c> and <c>zcr</c> are exact in any
/// order and unchanged. All three measure each hop block once (see <c>HopBlockComputer</c>).
/// </remarks>
internal sealed class TimeCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "time";

    public TimeCalculator()
        : base(
            CalculatorId,
            3,
            ("rms", "linear", "Root mean square of the unwindowed frame.", ParameterDependencies.Frames),
            ("peak", "linear", "Largest absolute sample of the unwindowed frame.", ParameterDependencies.Frames),
            ("zcr", "ratio", "Zero-crossing rate: sign changes of x > 0 divided by the frame length.", ParameterDependencies.Frames))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) => name switch
    {
        "rms" => new RmsComputer(context),
        "peak" => new PeakComputer(context),
        _ => new ZeroCrossingRateComputer(context),
    };

    private sealed class RmsComputer(AnalysisContext context) : HopBlockComputer<float>(context)
    {
        protected override float Measure(ReadOnlySpan<float> samples, int start, int length)
        {
            var block = samples.Slice(start, length);
            return FloatReductions.Dot(block, block);
        }

        protected override float Combine(ReadOnlySpan<float> blocks, int windowSize)
        {
            var sum = 0f;
            foreach (var block in blocks)
            {
                sum += block;
            }

            return MathF.Sqrt(sum / windowSize);
        }
    }

    private sealed class PeakComputer(AnalysisContext context) : HopBlockComputer<float>(context)
    {
        // The largest |x| is exact in any order, so lanes may keep running maxima; any NaN makes the result NaN (tracked
        // separately, since the vector max instruction does not propagate it).
        protected override float Measure(ReadOnlySpan<float> all, int start, int length)
        {
            var samples = all.Slice(start, length);
            var peak = 0f;
            var nan = false;
            var i = 0;
            if (Vector512.IsHardwareAccelerated && samples.Length >= 2 * Vector512<float>.Count)
            {
                var m0 = Vector512<float>.Zero;
                var m1 = Vector512<float>.Zero;
                var unordered = Vector512<float>.Zero;
                for (; i <= samples.Length - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
                {
                    var v0 = Vector512.Create<float>(samples[i..]);
                    var v1 = Vector512.Create<float>(samples[(i + Vector512<float>.Count)..]);
                    unordered |= ~Vector512.Equals(v0, v0) | ~Vector512.Equals(v1, v1);
                    m0 = Vector512.MaxNative(m0, Vector512.Abs(v0));
                    m1 = Vector512.MaxNative(m1, Vector512.Abs(v1));
                }

                nan = unordered != Vector512<float>.Zero;
                var m = Vector512.MaxNative(m0, m1);
                for (var lane = 0; lane < Vector512<float>.Count; lane++)
                {
                    peak = Math.Max(peak, m[lane]);
                }
            }

            for (; i < samples.Length; i++)
            {
                peak = Math.Max(peak, Math.Abs(samples[i]));
            }

            return nan ? float.NaN : peak;
        }

        protected override float Combine(ReadOnlySpan<float> blocks, int windowSize)
        {
            var peak = 0f;
            foreach (var block in blocks)
            {
                peak = Math.Max(peak, block);
            }

            return peak;
        }
    }

    // Essentia ZeroCrossingRate with threshold 0: a sample counts as positive when x > 0, so 0 counts as negative.
    private sealed class ZeroCrossingRateComputer(AnalysisContext context) : HopBlockComputer<(int Inside, bool AtStart)>(context)
    {
        protected override (int Inside, bool AtStart) Measure(ReadOnlySpan<float> all, int start, int length)
        {
            // Positions start + 1 … start + length − 1; the crossing at the block's first position is counted separately.
            var samples = all.Slice(start, length);
            var crossings = 0;
            var i = 1;

            // A crossing at i is (x_{i−1} > 0) ≠ (x_i > 0); counting is exact in any order, so lanes may count them.
            if (Vector512.IsHardwareAccelerated && samples.Length > Vector512<float>.Count)
            {
                var counts = Vector512<int>.Zero;
                for (; i <= samples.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var before = Vector512.GreaterThan(Vector512.Create<float>(samples[(i - 1)..]), Vector512<float>.Zero);
                    var now = Vector512.GreaterThan(Vector512.Create<float>(samples[i..]), Vector512<float>.Zero);
                    counts -= (before ^ now).AsInt32();
                }

                crossings = Vector512.Sum(counts);
            }
            else if (Vector.IsHardwareAccelerated && samples.Length > Vector<float>.Count)
            {
                var counts = Vector<int>.Zero;
                for (; i <= samples.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var before = Vector.GreaterThan(new Vector<float>(samples[(i - 1)..]), Vector<float>.Zero);
                    var now = Vector.GreaterThan(new Vector<float>(samples[i..]), Vector<float>.Zero);
                    counts -= before ^ now;
                }

                crossings = Vector.Sum(counts);
            }

            for (; i < samples.Length; i++)
            {
                crossings += (samples[i - 1] > 0) != (samples[i] > 0) ? 1 : 0;
            }

            var atStart = start > 0 && (all[start - 1] > 0) != (all[start] > 0);
            return (crossings, atStart);
        }

        // The frame counts positions 1 … N − 1: every block's inside crossings, and the first-position crossing of every
        // block but the first.
        protected override float Combine(ReadOnlySpan<(int Inside, bool AtStart)> blocks, int windowSize)
        {
            var crossings = blocks[0].Inside;
            for (var b = 1; b < blocks.Length; b++)
            {
                crossings += blocks[b].Inside + (blocks[b].AtStart ? 1 : 0);
            }

            return (float)((double)crossings / windowSize);
        }
    }

    /// <summary>
    /// A time-domain descriptor built from the frame's hop blocks: when the hop divides the window, frame k's samples are
    /// the N/hop blocks <c>k … k + N/hop − 1</c> of the track, so each block is measured once, when it enters the window,
    /// and combined in block order with the others (4× less work at the default 2048/512). Otherwise the whole frame is
    /// one block. The result depends only on the window and hop, never on the hardware.
    /// </summary>
    private abstract class HopBlockComputer<TBlock> : FrameComputer
        where TBlock : struct
    {
        private readonly int _hop;
        private readonly TBlock[] _ring;
        private readonly TBlock[] _ordered;
        private int _nextFrame;

        protected HopBlockComputer(AnalysisContext context)
            : base(context, 1)
        {
            var window = context.Parameters.WindowSize;
            var hop = context.Parameters.HopSize;
            _hop = window % hop == 0 ? hop : window;
            _ring = new TBlock[window / _hop];
            _ordered = new TBlock[_ring.Length];
        }

        protected abstract TBlock Measure(ReadOnlySpan<float> samples, int start, int length);

        protected abstract float Combine(ReadOnlySpan<TBlock> blocks, int windowSize);

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var samples = frame.Samples;
            var count = _ring.Length;
            var k = frame.Index;
            if (k == 0 || k != _nextFrame)
            {
                for (var b = 0; b < count; b++)
                {
                    _ring[(k + b) % count] = Measure(samples, b * _hop, _hop);
                }
            }
            else
            {
                _ring[(k + count - 1) % count] = Measure(samples, (count - 1) * _hop, _hop);
            }

            _nextFrame = k + 1;
            for (var b = 0; b < count; b++)
            {
                _ordered[b] = _ring[(k + b) % count];
            }

            values[0] = Combine(_ordered, samples.Length);
        }
    }
}
