namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// Essentia <c>MelBands</c> filters (HTK mel, weighting "warping", normalisation "unit_sum"): band b spans the mel-equidistant
/// frequencies f_b, f_{b+1}, f_{b+2}; bin j (at j·Δf, for round(f_b/Δf) ≤ j &lt; round(f_{b+2}/Δf)) weighs
/// (mel(j·Δf) − mel(f_b)) / (mel(f_{b+1}) − mel(f_b)) on the rising side and the mirror on the falling side; each filter is
/// divided by its sum, and a filter with no bin stays empty (its energy is 0).
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
            var begin = Math.Min((int)Math.Floor((frequencies[b] / binWidth) + 0.5), context.BinCount);
            var end = Math.Min((int)Math.Floor((frequencies[b + 2] / binWidth) + 0.5), context.BinCount);
            var filter = new double[Math.Max(end - begin, 0)];
            var sum = 0.0;
            for (var j = begin; j < end; j++)
            {
                var hz = j * binWidth;
                var w = 0.0;
                if (hz >= frequencies[b] && hz < frequencies[b + 1])
                {
                    w = (MelScale.FromHz(hz) - melB) / (melCenter - melB);
                }
                else if (hz >= frequencies[b + 1] && hz < frequencies[b + 2])
                {
                    w = (melEnd - MelScale.FromHz(hz)) / (melEnd - melCenter);
                }

                filter[j - begin] = w;
                sum += w;
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
