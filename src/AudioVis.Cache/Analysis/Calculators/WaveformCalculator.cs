using System.Runtime.Intrinsics;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The <c>waveform</c> calculator: <c>waveform.minmax</c>, the minimum and maximum sample of each hop.</summary>
internal sealed class WaveformCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "waveform";

    public WaveformCalculator()
        : base(CalculatorId, 1, ("waveform.minmax", "linear", "Minimum and maximum sample per hop, for overview drawing.", ParameterDependencies.Frames))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new MinMaxComputer(context);

    private sealed class MinMaxComputer(AnalysisContext context) : FrameComputer(context, 2)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            // Minimum and maximum are exact in any order, so lanes may keep running extremes. Vector min/max instructions
            // neither propagate NaN nor order −0 below +0, so those cases go to the scalar loop, which uses Math.Min/Max.
            var hop = frame.HopSamples;
            if (Vector512.IsHardwareAccelerated && hop.Length >= Vector512<float>.Count && hop.Length % Vector512<float>.Count == 0)
            {
                var min = Vector512.Create<float>(hop);
                var max = min;
                var special = Vector512<float>.Zero;
                for (var i = 0; i < hop.Length; i += Vector512<float>.Count)
                {
                    var v = Vector512.Create<float>(hop[i..]);
                    special |= ~Vector512.Equals(v, v) | Vector512.Equals(v, Vector512<float>.Zero);
                    min = Vector512.MinNative(min, v);
                    max = Vector512.MaxNative(max, v);
                }

                if (special == Vector512<float>.Zero)
                {
                    var low = min[0];
                    var high = max[0];
                    for (var lane = 1; lane < Vector512<float>.Count; lane++)
                    {
                        low = Math.Min(low, min[lane]);
                        high = Math.Max(high, max[lane]);
                    }

                    values[0] = low;
                    values[1] = high;
                    return;
                }
            }

            float min0 = hop[0], max0 = hop[0], min1 = hop[0], max1 = hop[0];
            var j = 1;
            for (; j <= hop.Length - 2; j += 2)
            {
                min0 = Math.Min(min0, hop[j]);
                max0 = Math.Max(max0, hop[j]);
                min1 = Math.Min(min1, hop[j + 1]);
                max1 = Math.Max(max1, hop[j + 1]);
            }

            for (; j < hop.Length; j++)
            {
                min0 = Math.Min(min0, hop[j]);
                max0 = Math.Max(max0, hop[j]);
            }

            values[0] = Math.Min(min0, min1);
            values[1] = Math.Max(max0, max1);
        }
    }
}
