using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The analysis windows of Essentia's <c>Windowing</c>: symmetric (period <c>N − 1</c>) and normalised so the
/// coefficients sum to 2, which makes a full-scale sine's peak bin equal to its amplitude.
/// </summary>
internal static class AnalysisWindow
{
    /// <summary>Builds the window coefficients; the pipeline multiplies each frame by them before zero-padding and the FFT.</summary>
    /// <param name="function">The window function.</param>
    /// <param name="size">The window size, at least 2.</param>
    /// <returns><paramref name="size"/> coefficients summing to 2 (all zeros when the raw window sums to 0, as a size-2 Hann does).</returns>
    public static float[] Create(WindowFunction function, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        var raw = new double[size];
        var sum = 0.0;
        for (var n = 0; n < size; n++)
        {
            var phase = 2.0 * Math.PI * n / (size - 1.0);
            var value = function switch
            {
                WindowFunction.Hann => 0.5 - (0.5 * Math.Cos(phase)),
                WindowFunction.Hamming => 0.53836 - (0.46164 * Math.Cos(phase)),
                WindowFunction.Blackman => 0.42 - (0.5 * Math.Cos(phase)) + (0.08 * Math.Cos(2.0 * phase)),
                WindowFunction.Rectangular => 1.0,
                _ => throw new ArgumentOutOfRangeException(nameof(function), function, $"Window function {function} is not defined."),
            };

            // Blackman's end points are 0 in exact arithmetic but come out as -1.4e-17.
            raw[n] = Math.Max(value, 0.0);
            sum += raw[n];
        }

        var window = new float[size];
        if (sum > 0)
        {
            var scale = 2.0 / sum;
            for (var n = 0; n < size; n++)
            {
                window[n] = (float)(raw[n] * scale);
            }
        }

        return window;
    }
}
