using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>Base of the built-in computers: checks the span lengths (without allocating), then computes.</summary>
internal abstract class FrameComputer : IDescriptorFrameComputer
{
    private readonly int _windowSize;
    private readonly int _hopSize;

    protected FrameComputer(AnalysisContext context, int valuesPerFrame)
    {
        _windowSize = context.Parameters.WindowSize;
        _hopSize = context.Parameters.HopSize;
        BinCount = context.BinCount;
        ValuesPerFrame = valuesPerFrame;
    }

    /// <inheritdoc/>
    public int ValuesPerFrame { get; }

    protected int BinCount { get; }

    /// <inheritdoc/>
    public void Compute(in AnalysisFrame frame, Span<float> values)
    {
        Check(values.Length, ValuesPerFrame, nameof(values), "values");
        Check(frame.Samples.Length, _windowSize, nameof(frame), "Samples");
        Check(frame.HopSamples.Length, _hopSize, nameof(frame), "HopSamples");
        Check(frame.Magnitudes.Length, BinCount, nameof(frame), "Magnitudes");
        Check(frame.Power.Length, BinCount, nameof(frame), "Power");
        ComputeCore(frame, values);
    }

    protected abstract void ComputeCore(in AnalysisFrame frame, Span<float> values);

    private static void Check(int actual, int expected, string paramName, string what)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, paramName, what);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string paramName, string what) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} has {actual} values; expected {expected}."), paramName);
}
