using System.Globalization;

namespace AudioVis.Cache.Analysis.Fft;

/// <summary>
/// A reusable forward (and inverse) FFT of real input for one power-of-two size from 64 to 16384:
/// twiddles are computed once, scratch is owned, and no call after construction allocates.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm: the <c>N</c> real samples are packed as <c>M = N/2</c> complex values <c>x_2n + i·x_2n+1</c>, transformed
/// by a Stockham (self-sorting, no bit reversal) complex FFT on split real/imaginary arrays — radix-2 passes while
/// the stride is below 16, radix-4 passes after, a final radix-2 pass when <c>log2 M</c> needs it — and separated
/// into the real spectrum by the standard real-split post-processing.
/// </para>
/// <para>
/// Determinism: the same input gives bit-identical output on every call and every run. All kernel paths
/// (<see cref="FftKernelPath"/>) evaluate the same single-precision expressions in the same order without fused
/// multiply-add, so the scalar, Vector128, Vector256 and Vector512 paths are bit-identical to each other.
/// </para>
/// <para>Thread safety: a plan owns its scratch buffers and is <b>not</b> thread-safe; use one plan per thread.</para>
/// </remarks>
internal sealed class RealFftPlan
{
    /// <summary>The smallest supported size.</summary>
    public const int MinSize = 64;

    /// <summary>The largest supported size.</summary>
    public const int MaxSize = 16384;

    // Radix-2 passes run until the stride reaches this, so every path (widths 1 to 16) shares one decomposition.
    private const int Radix2StrideLimit = 16;

    private readonly int _half;
    private readonly FftStage[] _stages;
    private readonly float[] _splitCos;
    private readonly float[] _splitSin;
    private readonly float[] _re0;
    private readonly float[] _im0;
    private readonly float[] _re1;
    private readonly float[] _im1;

    /// <summary>Initializes a new instance of the <see cref="RealFftPlan"/> class on the widest accelerated path.</summary>
    /// <param name="size">The transform size <c>N</c>: a power of two from <see cref="MinSize"/> to <see cref="MaxSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not a supported power of two.</exception>
    public RealFftPlan(int size)
        : this(size, FftKernel.DetectPath())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RealFftPlan"/> class on a chosen kernel path.</summary>
    /// <param name="size">The transform size <c>N</c>: a power of two from <see cref="MinSize"/> to <see cref="MaxSize"/>.</param>
    /// <param name="path">The kernel path; it must be accelerated on this machine.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not a supported power of two.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not accelerated here.</exception>
    public RealFftPlan(int size, FftKernelPath path)
    {
        if (size < MinSize || size > MaxSize || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(size),
                size,
                string.Create(CultureInfo.InvariantCulture, $"FFT size must be a power of two from {MinSize} to {MaxSize}; got {size}."));
        }

        if (!FftKernel.IsSupported(path))
        {
            throw new ArgumentException($"Kernel path {path} is not hardware accelerated on this machine.", nameof(path));
        }

        Size = size;
        Path = path;
        _half = size / 2;
        _stages = BuildStages(_half);
        (_splitCos, _splitSin) = BuildSplitTwiddles(size);
        _re0 = new float[_half];
        _im0 = new float[_half];
        _re1 = new float[_half];
        _im1 = new float[_half];
    }

    /// <summary>Gets the transform size <c>N</c>.</summary>
    public int Size { get; }

    /// <summary>Gets the number of output bins, <c>N/2 + 1</c> (0 to Nyquist inclusive).</summary>
    public int BinCount => _half + 1;

    /// <summary>Gets the kernel path this plan runs on.</summary>
    public FftKernelPath Path { get; }

    /// <summary>Computes the unnormalised spectrum <c>X_k = Σ x_n e^{-2πikn/N}</c> for <c>k = 0..N/2</c>.</summary>
    /// <param name="input">The <see cref="Size"/> real samples.</param>
    /// <param name="real">Receives the <see cref="BinCount"/> real parts.</param>
    /// <param name="imaginary">Receives the <see cref="BinCount"/> imaginary parts (bins 0 and N/2 are 0).</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> real, Span<float> imaginary)
    {
        CheckLength(input.Length, Size, nameof(input));
        CheckLength(real.Length, BinCount, nameof(real));
        CheckLength(imaginary.Length, BinCount, nameof(imaginary));
        var inOne = Transform(input);
        FftKernel.Split(Path, inOne ? _re1 : _re0, inOne ? _im1 : _im0, _splitCos, _splitSin, real, imaginary);
    }

    /// <summary>Computes the magnitudes <c>|X_k|</c> for <c>k = 0..N/2</c> of the unnormalised spectrum.</summary>
    /// <param name="input">The <see cref="Size"/> real samples.</param>
    /// <param name="magnitudes">Receives the <see cref="BinCount"/> magnitudes.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void ForwardMagnitudes(ReadOnlySpan<float> input, Span<float> magnitudes)
    {
        CheckLength(input.Length, Size, nameof(input));
        CheckLength(magnitudes.Length, BinCount, nameof(magnitudes));
        var inOne = Transform(input);
        FftKernel.SplitMagnitudes(Path, inOne ? _re1 : _re0, inOne ? _im1 : _im0, _splitCos, _splitSin, magnitudes);
    }

    /// <summary>
    /// Inverts <see cref="Forward"/>: computes <c>x_n = (1/N) Σ X_k e^{2πikn/N}</c> over the Hermitian-extended spectrum,
    /// so <c>Inverse(Forward(x)) ≈ x</c>. The imaginary parts of bins 0 and N/2 are ignored.
    /// </summary>
    /// <param name="real">The <see cref="BinCount"/> real parts.</param>
    /// <param name="imaginary">The <see cref="BinCount"/> imaginary parts.</param>
    /// <param name="output">Receives the <see cref="Size"/> real samples.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Inverse(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> output)
    {
        CheckLength(real.Length, BinCount, nameof(real));
        CheckLength(imaginary.Length, BinCount, nameof(imaginary));
        CheckLength(output.Length, Size, nameof(output));
        var m = _half;

        // E_k = (X_k + conj X_{M-k})/2 and O_k = (X_k - conj X_{M-k}) conj(W^k)/2 are the spectra of the even and odd
        // samples; Z_k = E_k + i·O_k is the spectrum of z_n = x_2n + i·x_2n+1, and z = conj(FFT(conj Z))/M.
        // The split table holds (cos, -sin)/2, so conj(W^k)/2 = (c, -s).
        for (var k = 0; k < m; k++)
        {
            var ar = real[k];
            var ai = k == 0 ? 0f : imaginary[k];
            var br = real[m - k];
            var bi = k == 0 ? 0f : -imaginary[m - k];
            var c = _splitCos[k];
            var s = -_splitSin[k];
            var er = 0.5f * (ar + br);
            var ei = 0.5f * (ai + bi);
            var dr = ar - br;
            var di = ai - bi;
            var or = (dr * c) - (di * s);
            var oi = (dr * s) + (di * c);
            _re0[k] = er - oi;
            _im0[k] = -(ei + or);
        }

        var inOne = FftKernel.Complex(Path, _stages, 0, _re0, _im0, _re1, _im1);
        var zr = inOne ? _re1 : _re0;
        var zi = inOne ? _im1 : _im0;
        var scale = 1f / m;
        for (var n = 0; n < m; n++)
        {
            output[2 * n] = zr[n] * scale;
            output[(2 * n) + 1] = -zi[n] * scale;
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Span length {actual} does not match the expected length {expected}."),
                name);
        }
    }

    private static FftStage[] BuildStages(int m)
    {
        // Radix-2 passes share e^{-2πi·j/M}, j < M/2; w^p of stride s is entry s·p (see FftStage).
        var radix2Re = new float[m / 2];
        var radix2Im = new float[m / 2];
        for (var j = 0; j < m / 2; j++)
        {
            (radix2Im[j], radix2Re[j]) = SinCos(-2.0 * Math.PI * j / m);
        }

        var stages = new List<FftStage>();
        var n = m;
        var strideLog2 = 0;
        while (n > 1)
        {
            var s = 1 << strideLog2;
            if (s < Radix2StrideLimit || n == 2)
            {
                stages.Add(new FftStage(2, strideLog2, radix2Re, radix2Im, hasUnitTwiddles: n == 2));
                n /= 2;
                strideLog2 += 1;
            }
            else
            {
                // Radix-4: w^p, w^2p, w^3p per p, w = e^{-2πi/n}.
                var count = n / 4;
                var re = new float[3 * count];
                var im = new float[3 * count];
                for (var p = 0; p < count; p++)
                {
                    for (var j = 1; j <= 3; j++)
                    {
                        (im[(3 * p) + j - 1], re[(3 * p) + j - 1]) = SinCos(-2.0 * Math.PI * j * p / n);
                    }
                }

                stages.Add(new FftStage(4, strideLog2, re, im, hasUnitTwiddles: n == 4));
                n /= 4;
                strideLog2 += 2;
            }
        }

        return [.. stages];
    }

    private static (float[] Cos, float[] Sin) BuildSplitTwiddles(int size)
    {
        // (cos, -sin)(2πk/N) / 2 for k = 0..M-1; the forward split uses k ≤ M/2, the inverse all of them.
        var m = size / 2;
        var cos = new float[m];
        var sin = new float[m];
        for (var k = 0; k < m; k++)
        {
            var (s, c) = SinCos(2.0 * Math.PI * k / size);
            cos[k] = 0.5f * c;
            sin[k] = -0.5f * s;
        }

        return (cos, sin);
    }

    private static (float Sin, float Cos) SinCos(double angle)
    {
        var (s, c) = Math.SinCos(angle);
        return ((float)s, (float)c);
    }

    private bool Transform(ReadOnlySpan<float> input)
    {
        return FftKernel.PackedComplex(Path, _stages, input, _re0, _im0, _re1, _im1);
    }
}
