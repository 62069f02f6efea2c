using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>mfcc</c> calculator with Essentia <c>MFCC</c>'s defaults: 40 HTK-mel bands from 0 to 11 kHz (clamped to
/// Nyquist), triangles linear in mel and normalised to unit sum (Essentia <c>MelBands</c>, weighting "warping"), on |X|²;
/// <c>20·log10(max(E, 1e-10))</c>; orthonormal DCT-II; the first 13 coefficients.
/// </summary>
/// <remarks>
/// Version 4: each band holds every bin inside its triangle, ceil(f_b/Δf) ≤ j ≤ floor(f_{b+2}/Δf), as Essentia's
/// <c>TriangularBands</c> has since 2.1-beta5 (version 3 used round(f_b/Δf) ≤ j &lt; round(f_{b+2}/Δf), the older rule, which
/// drops a triangle's last bin when the triangle ends less than half a bin past it). As in version 3, the filter weights
/// and the DCT matrix are rounded to float; each band energy is a float dot product over the band's bins padded with zero
/// weights to whole blocks of 16, and each coefficient one over the 40 band logs padded with zeros to 48, both in
/// <see cref="FloatReductions"/> order; the band logs are <see cref="FastLog"/>'s. (Version 2: double weights and sums in
/// <see cref="FixedOrderSum"/> order and a double DCT; version 1: <c>Math.Log10</c> in double.)
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
        : base(CalculatorId, 4, ("mfcc", "dB", "13 mel-frequency cepstral coefficients.", ParameterDependencies.Spectrum))
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

    private sealed class MfccComputer : FrameComputer
    {
        // 20·log10(E) = ln(E)·(20/ln 10).
        private const float DecibelsPerNeper = (float)(20.0 / 2.302585092994046);
        private const int PaddedBands = 48;

        private readonly int[] _starts = new int[Bands];
        private readonly float[][] _filters = new float[Bands][];
        private readonly float[] _dct;
        private readonly float[] _energies = new float[Bands];
        private readonly float[] _logEnergies = new float[PaddedBands];

        public MfccComputer(AnalysisContext context, MelFilterbank filterbank, double[] dct)
            : base(context, Coefficients)
        {
            // Each filter is padded with zero weights to whole blocks of 16 bins (moved left at the top of the spectrum),
            // so its sum has no one-by-one tail; the zero terms add +0 to their lanes.
            var bins = context.BinCount;
            for (var b = 0; b < Bands; b++)
            {
                var start = filterbank.StartOf(b);
                var weights = filterbank.WeightsOf(b);
                var length = (weights.Count + FloatReductions.Lanes - 1) & ~(FloatReductions.Lanes - 1);
                if (length > bins)
                {
                    length = weights.Count;
                }

                var paddedStart = Math.Min(start, bins - length);
                _starts[b] = paddedStart;
                _filters[b] = new float[length];
                for (var j = 0; j < weights.Count; j++)
                {
                    _filters[b][start - paddedStart + j] = (float)weights[j];
                }
            }

            // The band logs are padded with zeros to 48 and the DCT rows with zero columns, for the same reason.
            _dct = new float[Coefficients * PaddedBands];
            for (var i = 0; i < Coefficients; i++)
            {
                for (var j = 0; j < Bands; j++)
                {
                    _dct[(i * PaddedBands) + j] = (float)dct[(i * Bands) + j];
                }
            }
        }

        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            for (var b = 0; b < Bands; b++)
            {
                var filter = _filters[b];
                _energies[b] = FloatReductions.Dot(filter, power.Slice(_starts[b], filter.Length));
            }

            // ScaledLn floors at the silence threshold: 20·log10(max(E, 1e-10)).
            FastLog.ScaledLn(_energies, (float)SilenceThreshold, DecibelsPerNeper, _logEnergies);
            FloatReductions.Dots(_dct, PaddedBands, _logEnergies, values);
        }
    }
}
