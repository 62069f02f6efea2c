namespace AudioVis.Cache.Profiles;

/// <summary>
/// How the spectrum descriptors (<c>spectrum</c>, <c>spectrum.db</c>, <c>spectrum.bandsN</c>) are quantised and stored
/// (<see cref="AnalysisParameters.SpectrumEncoding"/>; every other descriptor is always float32). The analyzer applies the
/// quantisation before the values are written, so every store returns the same floats. Bounds and byte layouts are in
/// docs/feature-blobs.md ("Value encodings").
/// </summary>
public enum SpectrumEncoding
{
    /// <summary>IEEE 754 binary32, 4 bytes a value: exact (the values as computed). Canonical value <c>float32</c>.</summary>
    Float32 = 0,

    /// <summary>
    /// IEEE 754 binary16, 2 bytes a value, rounded to nearest even: relative error at most 2^-11 for |v| from 2^-14 to
    /// 65504, absolute error at most 2^-25 below. <c>spectrum.bandsN</c> (power, which can exceed 65504) stays float32.
    /// Canonical value <c>float16</c>.
    /// </summary>
    Float16 = 1,

    /// <summary>
    /// Levels in dB quantised uniformly to 16 bits over the profile's decibel range (relative to full scale for
    /// <c>spectrum</c> and <c>spectrum.bandsN</c>), 2 bytes a value: level error at most half a step,
    /// (MaxDecibels − MinDecibels) / 65535 / 2 (0.00076 dB over 100 dB); levels below the range decode as its floor, above
    /// it as its top. Canonical value <c>db16</c>.
    /// </summary>
    Decibels16 = 2,

    /// <summary>
    /// As <see cref="Decibels16"/> with 8 bits, 1 byte a value: level error at most (MaxDecibels − MinDecibels) / 255 / 2
    /// (0.196 dB over 100 dB, 0.188 dB over 96 dB). Canonical value <c>db8</c>.
    /// </summary>
    Decibels8 = 3,
}
