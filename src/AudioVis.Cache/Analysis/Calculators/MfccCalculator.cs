using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>mfcc</c> calculator with Essentia <c>MFCC</c>'s defaults: 40 HTK-mel bands from 0 to 11 kHz (clamped to
/// Nyquist), triangles linear in mel and normalised to unit sum (Essentia <c>MelBands</c>, weighting "warping"), on |X|²;
/// <c>20·log10(max(E, 1e-10))</c>; orthonormal DCT-II; the first 13 coefficients.
/// </summary>
/// <remarks>
/// Version 2: each mel band energy is summed in <see cref="FixedOrderSum"/> order (version 1: one chain in bin order), then
/// rounded to float and its log taken with <see cref="FastLog"/> (version 1: <c>Math.Log10</c> in double).
/// </remarks>
internal sealed class MfccCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "mfcc";
    public const int Bands = 40;
    public const int Coefficients = 13;
    public const double LowFrequency = 0;
    public const double HighFrequency = 11000;
    public const double SilenceThreshold = 1e-10;

    public MfccCalculator()
        : base(CalculatorId, 2, ("mfcc", "dB", "13 mel-frequency cepstral coefficients."))
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
        // 20·log10(E) = ln(E)·(20/ln 10).
        private const float DecibelsPerNeper = (float)(20.0 / 2.302585092994046);

        private readonly float[] _energies = new float[Bands];
        private readonly float[] _logEnergies = new float[Bands];

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            for (var b = 0; b < Bands; b++)
            {
                _energies[b] = (float)Math.Max(filterbank.Apply(b, power), SilenceThreshold);
            }

            FastLog.ScaledLn(_energies, (float)SilenceThreshold, DecibelsPerNeper, _logEnergies);

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
