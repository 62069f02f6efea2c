using System.Collections.Concurrent;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The <c>chroma</c> calculator: 12 pitch classes (bin 0 = C) from librosa's chroma filterbank
/// (<c>librosa.filters.chroma</c> with tuning 0, ctroct 5, octwidth 2, L2-normalised columns, base C) applied to |X|²,
/// then divided by the frame's largest class (librosa <c>chroma_stft</c>'s ∞-norm); silence gives zeros.
/// </summary>
/// <remarks>
/// Version 2: the weights are rounded to float (those below 2⁻²⁴ of their bin's largest weight to 0) and each class is a
/// float dot product in <see cref="FloatReductions"/> order (version 1: double weights and sums); the result is divided
/// by the largest class in float.
/// </remarks>
internal sealed class ChromaCalculator : DescriptorCalculatorBase
{
    public const string CalculatorId = "chroma";
    public const int Classes = 12;

    /// <summary>The smallest normal float32 (numpy's <c>finfo(float32).tiny</c>), librosa's normalisation threshold.</summary>
    public const double SmallestNormalFloat = 1.1754943508222875e-38;

    public ChromaCalculator()
        : base(CalculatorId, 2, ("chroma", "linear", "12 pitch classes, bin 0 = C.", ParameterDependencies.Spectrum))
    {
    }

    // The prepared weights depend only on the FFT size and sample rate; the computers of one analysis (one per channel)
    // and of later analyses share them, so they are read from cache once per frame instead of once per channel.
    private readonly ConcurrentDictionary<(int FftSize, int SampleRate), ChromaWeights> _weights = new();

    protected override IDescriptorFrameComputer CreateComputer(DescriptorDefinition definition, string name, AnalysisContext context) =>
        new ChromaComputer(
            context,
            _weights.GetOrAdd(
                (context.Parameters.FftSize, context.SampleRate),
                static (key, bins) => new ChromaWeights(Filterbank(key.FftSize, key.SampleRate, bins), bins),
                context.BinCount));

    /// <summary>Builds librosa's chroma filterbank as a row-major 12 × <paramref name="binCount"/> matrix, row 0 = C.</summary>
    internal static double[] Filterbank(int fftSize, int sampleRate, int binCount)
    {
        const double CenterOctave = 5.0;
        const double OctaveWidth = 2.0;
        const double HalfClasses = Classes / 2;

        // Fractional chroma bin of every FFT bin: 12·log2(f / 27.5 Hz) (A0 → 0); DC is put 1.5 octaves below bin 1.
        var frqbins = new double[binCount + 1];
        for (var k = 1; k <= binCount; k++)
        {
            frqbins[k] = Classes * Math.Log2(k * (double)sampleRate / fftSize / (440.0 / 16.0));
        }

        frqbins[0] = frqbins[1] - (1.5 * Classes);

        var weights = new double[Classes * binCount];
        for (var k = 0; k < binCount; k++)
        {
            var binWidth = Math.Max(frqbins[k + 1] - frqbins[k], 1.0);
            var norm = 0.0;
            for (var c = 0; c < Classes; c++)
            {
                var d = PythonRemainder(frqbins[k] - c + HalfClasses + (10 * Classes), Classes) - HalfClasses;
                var x = 2.0 * d / binWidth;
                var w = Math.Exp(-0.5 * x * x);
                weights[(c * binCount) + k] = w;
                norm += w * w;
            }

            norm = Math.Sqrt(norm);
            var octaveDistance = ((frqbins[k] / Classes) - CenterOctave) / OctaveWidth;
            var octaveWeight = Math.Exp(-0.5 * octaveDistance * octaveDistance);
            for (var c = 0; c < Classes; c++)
            {
                weights[(c * binCount) + k] = weights[(c * binCount) + k] / norm * octaveWeight;
            }
        }

        // librosa's rows start at A; rotate by 3 so row 0 is C.
        var rotated = new double[weights.Length];
        for (var c = 0; c < Classes; c++)
        {
            Array.Copy(weights, ((c + 3) % Classes) * binCount, rotated, c * binCount, binCount);
        }

        return rotated;
    }

    private static double PythonRemainder(double x, double m) => x - (m * Math.Floor(x / m));

    /// <summary>The float weights (negligible ones 0), rows padded to a multiple of 16, and each group of four classes' used blocks.</summary>
    private sealed class ChromaWeights
    {
        /// <summary>2⁻²⁴: a weight smaller than this share of its bin's largest weight is below float resolution there.</summary>
        private const double NegligibleShare = 1.0 / (1 << 24);

        public ChromaWeights(double[] weights, int bins)
        {
            // Rows start on a multiple of 16 floats, so every row has the same alignment as the first.
            Bins = bins;
            Stride = (bins + 15) & ~15;
            Values = new float[Classes * Stride];
            for (var k = 0; k < bins; k++)
            {
                var largest = 0.0;
                for (var c = 0; c < Classes; c++)
                {
                    largest = Math.Max(largest, weights[(c * bins) + k]);
                }

                for (var c = 0; c < Classes; c++)
                {
                    var w = weights[(c * bins) + k];
                    Values[(c * Stride) + k] = w < NegligibleShare * largest ? 0f : (float)w;
                }
            }

            // Per group of four classes, the blocks of 16 bins where any of the four has a non-zero weight.
            var blocks = bins / FloatReductions.Lanes;
            for (var g = 0; g < Classes / 4; g++)
            {
                var even = new List<int>();
                var odd = new List<int>();
                for (var j = 0; j < blocks; j++)
                {
                    var used = false;
                    for (var c = 4 * g; c < (4 * g) + 4; c++)
                    {
                        used |= Values.AsSpan((c * Stride) + (j * FloatReductions.Lanes), FloatReductions.Lanes).ContainsAnyExcept(0f);
                    }

                    if (used)
                    {
                        (j % 2 == 0 ? even : odd).Add(j);
                    }
                }

                EvenBlocks[g] = [.. even];
                OddBlocks[g] = [.. odd];
            }
        }

        public float[] Values { get; }

        public int Stride { get; }

        public int Bins { get; }

        public int[][] EvenBlocks { get; } = new int[Classes / 4][];

        public int[][] OddBlocks { get; } = new int[Classes / 4][];
    }

    /// <summary>
    /// Computes c = W·P with float weights, each class's dot product in <see cref="FloatReductions"/> order (so every
    /// vector width gives the same bits), then divides by the largest class. Weights below 2⁻²⁴ of their bin's largest
    /// weight are 0 (they change a class by less than 1e-6 of the frame's largest class); classes are computed four at a
    /// time, skipping the blocks of 16 bins where all four have zero weights, which gives the same bits as adding them.
    /// </summary>
    private sealed class ChromaComputer(AnalysisContext context, ChromaWeights weights) : FrameComputer(context, Classes)
    {
        protected override void ComputeCore(in AnalysisFrame frame, Span<float> values)
        {
            var power = frame.Power;
            Span<float> chroma = stackalloc float[Classes];
            for (var g = 0; g < Classes / 4; g++)
            {
                FloatReductions.FourSparseDots(
                    weights.Values.AsSpan(4 * g * weights.Stride), weights.Stride, power[..weights.Bins], weights.EvenBlocks[g], weights.OddBlocks[g], chroma.Slice(4 * g, 4));
            }

            var max = 0f;
            for (var c = 0; c < Classes; c++)
            {
                max = Math.Max(max, chroma[c]);
            }

            // librosa leaves frames whose norm is below the smallest normal float unnormalised.
            var normalise = max >= SmallestNormalFloat;
            for (var c = 0; c < Classes; c++)
            {
                values[c] = normalise ? chroma[c] / max : chroma[c];
            }
        }
    }
}
