using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>mfcc</c> calculator with Essentia <c>MFCC</c>'s defaults: 40 HTK-mel bands from 0 to 11 kHz (clamped to
/// Nyquist), triangles linear in mel and normalised to unit sum (Essentia <c>MelBands</c>, weighting "warping"), on |X|²;
/// <c>20·log10(max(E, 1e-10))</c>; orthonormal DCT-II; the first 13 coefficients.
/// </summary>
internal sealed class MfccCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "mfcc";
    public const int Bands = 40;
    public const int Coefficients = 13;
    public const double LowFrequency = 0;
    public const double HighFrequency = 11000;
    public const double SilenceThreshold = 1e-10;

    public MfccCalculator()
        : base(CalculatorId, 1, ("mfcc", "dB", "13 mel-frequency cepstral coefficients."))
    {
    }

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new MfccComputer(context, MelFilterbank.Create(context, Bands, LowFrequency, Math.Min(HighFrequency, context.NyquistHz)), DctII(Bands, Coefficients));

    /// <summary>The orthonormal DCT-II matrix (Essentia <c>DCT</c> type 2), row-major <paramref name="outputs"/> × <paramref name="inputs"/>.</summary>
    internal static double[] DctII(int inputs, int outputs)
    {
        var matrix = new double[outputs * inputs];
        for (var i = 0; i < outputs; i++)
        {
            var scale = i == 0 ? Math.Sqrt(1.0 / inputs) : Math.Sqrt(2.0 / inputs);
            for (var j = 0; j < inputs; j++)
            {
                matrix[(i * inputs) + j] = scale * Math.Cos(Math.PI * i * (j + 0.5) / inputs);
            }
        }

        return matrix;
    }

    private sealed class MfccComputer(AnalysisContext context, MelFilterbank filterbank, double[] dct) : FrameComputer(context, Coefficients)
    {
        private readonly double[] _logEnergies = new double[Bands];

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            for (var b = 0; b < Bands; b++)
            {
                var energy = filterbank.Apply(b, power);
                _logEnergies[b] = 20.0 * Math.Log10(Math.Max(energy, SilenceThreshold));
            }

            for (var i = 0; i < Coefficients; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < Bands; j++)
                {
                    sum += dct[(i * Bands) + j] * _logEnergies[j];
                }

                values[i] = (float)sum;
            }
        }
    }
}

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

    public int Count => _start.Length;

    public double Apply(int band, ReadOnlySpan<float> power)
    {
        var filter = _weights[band];
        var start = _start[band];
        var sum = 0.0;
        for (var j = 0; j < filter.Length; j++)
        {
            sum += filter[j] * power[start + j];
        }

        return sum;
    }
}
