namespace AudioVis.Cache.Analysis.Fft;

/// <summary>One Stockham pass of the half-size complex FFT, with its twiddles laid out for contiguous loads.</summary>
/// <remarks>
/// A radix-2 pass stores one twiddle per flat butterfly index (<c>i = q + s·p</c> holds <c>w^p</c>), so vector paths
/// load them directly whether they vectorise over <c>p</c> (stride below the vector width) or over <c>q</c>.
/// A radix-4 pass stores <c>w^p, w^2p, w^3p</c> per <c>p</c>, broadcast across the contiguous <c>q</c> lanes.
/// </remarks>
internal sealed class FftStage
{
    /// <summary>Initializes a new instance of the <see cref="FftStage"/> class.</summary>
    /// <param name="radix">2 or 4.</param>
    /// <param name="strideLog2">Base-2 logarithm of the Stockham stride <c>s</c> before this pass.</param>
    /// <param name="twiddleReal">Real parts of the twiddles.</param>
    /// <param name="twiddleImaginary">Imaginary parts of the twiddles.</param>
    public FftStage(int radix, int strideLog2, float[] twiddleReal, float[] twiddleImaginary)
    {
        Radix = radix;
        StrideLog2 = strideLog2;
        TwiddleReal = twiddleReal;
        TwiddleImaginary = twiddleImaginary;
        HasUnitTwiddles = twiddleReal.All(w => w == 1f) && twiddleImaginary.All(w => w == 0f);
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
