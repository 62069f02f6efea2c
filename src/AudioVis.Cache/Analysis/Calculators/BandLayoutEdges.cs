using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// Band edges of <c>spectrum.bandsN</c>. The covered range is <c>[lo, hi]</c> with <c>hi = min(MaxBandFrequency, fs/2)</c>
/// and <c>lo = MinBandFrequency</c> (at least <c>Δf/2</c> in the logarithmic layout, which cannot start at 0 Hz). The
/// N + 1 edges are <c>e_i = lo·(hi/lo)^(i/N)</c> (logarithmic) or equally spaced in HTK mel between mel(lo) and mel(hi)
/// (mel); when <c>lo ≥ hi</c> every band is empty. As in Essentia's <c>FrequencyBands</c>, band i holds the bins <c>round(e_i/Δf) ≤ j &lt; round(e_{i+1}/Δf)</c>
/// (round half up), so every bin belongs to at most one band; when <c>hi</c> is the Nyquist frequency the last band also
/// holds the Nyquist bin. A band with no bin (narrower than a bin at small FFT sizes) is 0.
/// </summary>
internal static class BandLayoutEdges
{
    public static double[] Edges(AnalysisContext context, int count)
    {
        var parameters = context.Parameters;
        var hi = Math.Min(parameters.MaxBandFrequency, context.NyquistHz);
        var lo = parameters.BandLayout == BandLayout.Logarithmic
            ? Math.Max(parameters.MinBandFrequency, context.BinWidthHz / 2)
            : parameters.MinBandFrequency;
        var edges = new double[count + 1];
        if (lo >= hi)
        {
            Array.Fill(edges, hi);
            return edges;
        }

        if (parameters.BandLayout == BandLayout.Mel)
        {
            var melLo = MelScale.FromHz(lo);
            var melHi = MelScale.FromHz(hi);
            for (var i = 1; i < count; i++)
            {
                edges[i] = MelScale.ToHz(melLo + ((melHi - melLo) * i / count));
            }
        }
        else
        {
            var logLo = Math.Log(lo);
            var logHi = Math.Log(hi);
            for (var i = 1; i < count; i++)
            {
                edges[i] = Math.Exp(logLo + ((logHi - logLo) * i / count));
            }
        }

        edges[0] = lo;
        edges[count] = hi;
        return edges;
    }

    public static (int Start, int End)[] BinRanges(AnalysisContext context, int count)
    {
        var edges = Edges(context, count);
        var ranges = new (int Start, int End)[count];
        if (edges[0] >= edges[count])
        {
            return ranges;
        }

        for (var b = 0; b < count; b++)
        {
            var start = Math.Min(BinOf(edges[b], context), context.BinCount);
            var end = Math.Min(BinOf(edges[b + 1], context), context.BinCount);
            if (b == count - 1 && edges[count] >= context.NyquistHz)
            {
                end = context.BinCount;
            }

            ranges[b] = (start, Math.Max(start, end));
        }

        return ranges;
    }

    private static int BinOf(double hz, AnalysisContext context) => (int)Math.Floor((hz / context.BinWidthHz) + 0.5);
}
