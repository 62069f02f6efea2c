namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// Essentia <c>MelBands</c> filters (HTK mel, weighting "warping", normalisation "unit_sum", as its <c>TriangularBands</c>
/// builds them): band b spans the mel-equidistant frequencies f_b, f_{b+1}, f_{b+2} and holds every bin inside the
/// triangle, ceil(f_b/Δf) ≤ j ≤ floor(f_{b+2}/Δf) (never past Nyquist); bin j (at j·Δf) weighs
/// (mel(j·Δf) − mel(f_b)) / (mel(f_{b+1}) − mel(f_b)) below f_{b+1} and (mel(f_{b+2}) − mel(j·Δf)) / (mel(f_{b+2}) − mel(f_{b+1}))
/// from it on (a bin exactly on an edge weighs 0); each filter is divided by its sum, and a filter with no bin, or no
/// weight, stays empty (its energy is 0; Essentia throws).
/// </summary>
internal sealed class MelFilterbank
{
    private readonly int[] _start;
    private readonly double[][] _weights;

    private MelFilterbank(int[] start, double[][] weights)
    {
        _start = start;
        _weights = weights;
    }

    public static MelFilterbank Create(AnalysisContext context, int bands, double lowHz, double highHz)
    {
        var melLow = MelScale.FromHz(lowHz);
        var melHigh = MelScale.FromHz(highHz);
        var increment = (melHigh - melLow) / (bands + 1);
        var frequencies = new double[bands + 2];
        for (var i = 0; i < frequencies.Length; i++)
        {
            frequencies[i] = MelScale.ToHz(melLow + (i * increment));
        }

        var binWidth = context.BinWidthHz;
        var starts = new int[bands];
        var weights = new double[bands][];
        for (var b = 0; b < bands; b++)
        {
            var melB = MelScale.FromHz(frequencies[b]);
            var melCenter = MelScale.FromHz(frequencies[b + 1]);
            var melEnd = MelScale.FromHz(frequencies[b + 2]);
            // Every bin inside [f_b, f_{b+2}] (Essentia TriangularBands since 2.1-beta5; before, round(f_b/Δf) ≤ j < round(f_{b+2}/Δf)).
            var begin = Math.Min((int)Math.Ceiling(frequencies[b] / binWidth), context.BinCount);
            var last = Math.Min((int)Math.Floor(frequencies[b + 2] / binWidth), context.BinCount - 1);
            var filter = new double[Math.Max(last - begin + 1, 0)];
            var sum = 0.0;
            for (var j = begin; j <= last; j++)
            {
                var hz = j * binWidth;
                var w = hz < frequencies[b + 1]
                    ? (MelScale.FromHz(hz) - melB) / (melCenter - melB)
                    : (melEnd - MelScale.FromHz(hz)) / (melEnd - melCenter);

                // j·Δf can fall an ulp outside the triangle next to an edge on a bin; the triangle is 0 there.
                filter[j - begin] = Math.Max(w, 0.0);
                sum += filter[j - begin];
            }

            if (sum > 0)
            {
                for (var j = 0; j < filter.Length; j++)
                {
                    filter[j] /= sum;
                }
            }

            starts[b] = begin;
            weights[b] = filter;
        }

        return new MelFilterbank(starts, weights);
    }

    /// <summary>Gets the first bin of band <paramref name="band"/>.</summary>
    public int StartOf(int band) => _start[band];

    /// <summary>Gets the weights of band <paramref name="band"/>, from <see cref="StartOf"/> on.</summary>
    public IReadOnlyList<double> WeightsOf(int band) => _weights[band];
}
