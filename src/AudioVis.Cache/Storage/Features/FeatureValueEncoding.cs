using System.Globalization;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// How a feature blob stores its values (<see cref="FeatureBlobHeader.Encoding"/>): float32 (exact), float16, or a level in
/// dB quantised to a 16- or 8-bit code over a range. Stores decode to float on every read path; the bytes and the error
/// bound of each encoding are in docs/feature-blobs.md ("Value encodings").
/// </summary>
/// <remarks>
/// <para>
/// A value is stored as the code the encoding gives it and read back as that code's value, so a value written once and
/// read back is the same float from every store (<see cref="InMemoryFeatureStore"/> applies the same rounding on write).
/// The analyzer quantises the spectrum descriptors before writing them (<see cref="Profiles.AnalysisParameters.SpectrumEncoding"/>),
/// so nothing is rounded again on the way to disk.
/// </para>
/// <para>
/// Decibel codes: a level ℓ (the value for <see cref="FeatureLevelScale.Decibels"/>, 20·log10 v for
/// <see cref="FeatureLevelScale.Amplitude"/>, 10·log10 v for <see cref="FeatureLevelScale.Power"/>) becomes
/// q = round((clamp(ℓ, Low, High) − Low) / <see cref="Step"/>) (to nearest even), decoded as ℓ' = Low + q·Step and back to the
/// value's scale, in double precision, then rounded to float. Within [Low, High], |ℓ' − ℓ| ≤ Step / 2 plus float rounding.
/// A level below Low — zero, a negative amplitude or power, NaN — decodes as the floor (Low); above High, as the top.
/// </para>
/// </remarks>
public sealed record FeatureValueEncoding
{
    private FeatureValueEncoding(FeatureEncodingKind kind, FeatureLevelScale scale, double low, double high)
    {
        Kind = kind;
        Scale = scale;
        Low = low;
        High = high;
    }

    /// <summary>Gets the float32 encoding: 4 bytes a value, every bit pattern kept. The default of every blob.</summary>
    public static FeatureValueEncoding Float32 { get; } = new(FeatureEncodingKind.Float32, FeatureLevelScale.Decibels, 0, 0);

    /// <summary>Gets the float16 encoding: 2 bytes a value, <c>(float)(Half)v</c>: relative error ≤ 2^-11 for |v| in [2^-14, 65504], absolute ≤ 2^-25 below, ±∞ beyond.</summary>
    public static FeatureValueEncoding Float16 { get; } = new(FeatureEncodingKind.Float16, FeatureLevelScale.Decibels, 0, 0);

    /// <summary>Gets how the values are stored.</summary>
    public FeatureEncodingKind Kind { get; }

    /// <summary>Gets how a value relates to the level that is quantised (decibel kinds; <see cref="FeatureLevelScale.Decibels"/> for the float kinds, which do not use it).</summary>
    public FeatureLevelScale Scale { get; }

    /// <summary>Gets the lowest level in dB, code 0 (decibel kinds; 0 for the float kinds).</summary>
    public double Low { get; }

    /// <summary>Gets the highest level in dB, the largest code (decibel kinds; 0 for the float kinds).</summary>
    public double High { get; }

    /// <summary>Gets the number of bytes a stored value takes: 4, 2, 2 or 1.</summary>
    public int BytesPerValue => Kind switch
    {
        FeatureEncodingKind.Float32 => 4,
        FeatureEncodingKind.Decibels8 => 1,
        _ => 2,
    };

    /// <summary>Gets the level difference between two adjacent codes in dB, (High − Low) / (2^bits − 1); the level error is at most half of it. 0 for the float kinds.</summary>
    public double Step => Kind switch
    {
        FeatureEncodingKind.Decibels16 => (High - Low) / ushort.MaxValue,
        FeatureEncodingKind.Decibels8 => (High - Low) / byte.MaxValue,
        _ => 0,
    };

    /// <summary>Creates a decibel encoding.</summary>
    /// <param name="kind"><see cref="FeatureEncodingKind.Decibels16"/> or <see cref="FeatureEncodingKind.Decibels8"/>.</param>
    /// <param name="scale">How a value relates to its level.</param>
    /// <param name="low">The lowest level in dB (code 0); finite.</param>
    /// <param name="high">The highest level in dB (the largest code); finite and greater than <paramref name="low"/>.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it and its value.</exception>
    public static FeatureValueEncoding Decibels(FeatureEncodingKind kind, FeatureLevelScale scale, double low, double high)
    {
        if (kind is not (FeatureEncodingKind.Decibels16 or FeatureEncodingKind.Decibels8))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Encoding kind {kind} is not a decibel encoding (Decibels16 or Decibels8).");
        }

        if (!Enum.IsDefined(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, string.Create(CultureInfo.InvariantCulture, $"Level scale {(int)scale} is not defined (0 = Decibels, 1 = Amplitude, 2 = Power)."));
        }

        if (!double.IsFinite(low) || !double.IsFinite(high) || low >= high)
        {
            throw new ArgumentOutOfRangeException(
                nameof(low), low, string.Create(CultureInfo.InvariantCulture, $"The level range {low} … {high} dB must be finite with low < high."));
        }

        // −0 is stored as 0, so equal encodings (−0 == 0) always store equal bytes.
        return new(kind, scale, low == 0 ? 0 : low, high == 0 ? 0 : high);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        FeatureEncodingKind.Float32 => "float32",
        FeatureEncodingKind.Float16 => "float16",
        _ => string.Create(
            CultureInfo.InvariantCulture,
            $"{(Kind == FeatureEncodingKind.Decibels16 ? "db16" : "db8")} ({Scale}, {Low:R} … {High:R} dB)"),
    };
}
