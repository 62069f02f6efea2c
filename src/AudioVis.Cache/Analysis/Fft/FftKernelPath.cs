namespace AudioVis.Cache.Analysis.Fft;

/// <summary>The instruction-set path an <see cref="RealFftPlan"/> runs its kernels on.</summary>
/// <remarks>
/// Every path performs the same IEEE-754 single-precision operations in the same order (no fused multiply-add),
/// so all paths produce bit-identical results; the vector paths only process several lanes at once.
/// </remarks>
internal enum FftKernelPath
{
    /// <summary>Portable scalar reference path.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE, AdvSimd).</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 3,
}
