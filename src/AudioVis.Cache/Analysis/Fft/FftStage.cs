namespace AudioVis.Cache.Analysis.Fft;

/// <summary>One Stockham pass of the half-size complex FFT, with its twiddles laid out for contiguous loads.</summary>
/// <remarks>
/// Radix-2 passes share one table <c>e^{-2πi·j/M}</c>, <c>j &lt; M/2</c>: the twiddle <c>w^p = e^{-2πi·sp/M}</c> of the
/// butterfly at flat index <c>i = q + s·p</c> sits at <c>i</c> rounded down to a multiple of <c>s</c>, so vector paths
/// load it contiguously (stride 1), repeat lanes with one shuffle (stride below the width) or broadcast it.
/// A radix-4 pass stores <c>w^p, w^2p, w^3p</c> per <c>p</c>, broadcast across the contiguous <c>q</c> lanes.
/// </remarks>
internal sealed class FftStage
{
    /// <summary>Initializes a new instance of the <see cref="FftStage"/> class.</summary>
    /// <param name="radix">2 or 4.</param>
    /// <param name="strideLog2">Base-2 logarithm of the Stockham stride <c>s</c> before this pass.</param>
    /// <param name="twiddleReal">Real parts of the twiddles.</param>
    /// <param name="twiddleImaginary">Imaginary parts of the twiddles.</param>
    /// <param name="hasUnitTwiddles">Whether the pass has a single butterfly group, so every twiddle is 1.</param>
    public FftStage(int radix, int strideLog2, float[] twiddleReal, float[] twiddleImaginary, bool hasUnitTwiddles)
    {
        Radix = radix;
        StrideLog2 = strideLog2;
        TwiddleReal = twiddleReal;
        TwiddleImaginary = twiddleImaginary;
        HasUnitTwiddles = hasUnitTwiddles;
    }

    /// <summary>Gets the radix of the pass (2 or 4).</summary>
    public int Radix { get; }

    /// <summary>Gets the base-2 logarithm of the stride <c>s</c>.</summary>
    public int StrideLog2 { get; }

    /// <summary>Gets a value indicating whether every twiddle is 1 (the last pass, one butterfly group), so multiplies are skipped.</summary>
    public bool HasUnitTwiddles { get; }

    /// <summary>Gets the real parts of the twiddles.</summary>
    public float[] TwiddleReal { get; }

    /// <summary>Gets the imaginary parts of the twiddles.</summary>
    public float[] TwiddleImaginary { get; }
}
