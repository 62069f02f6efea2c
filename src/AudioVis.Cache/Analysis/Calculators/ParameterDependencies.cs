namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// The profile parameters (canonical names, see <see cref="Profiles.AnalysisParameters.ToCanonicalPairs"/>) the built-in
/// descriptors depend on; the table is in docs/intents-and-diffs.md.
/// </summary>
internal static class ParameterDependencies
{
    /// <summary>
    /// What every descriptor reads: the frames (window size and hop: frame k is samples <c>[k·hop, k·hop + N)</c>, and the
    /// window size decides how many frames a track has) and the rate the audio is analysed at.
    /// </summary>
    public static readonly string[] Frames = ["window_size", "hop_size", "sample_rate"];

    /// <summary>Descriptors of the STFT: the frames, the FFT size (bin count and spacing) and the window function.</summary>
    public static readonly string[] Spectrum = [.. Frames, "fft_size", "window"];

    /// <summary><c>spectrum</c>: the spectrum, stored in the profile's spectrum encoding (decibel codes over a fixed range).</summary>
    public static readonly string[] Magnitudes = [.. Spectrum, "spectrum_encoding"];

    /// <summary>
    /// <c>spectrum.db</c>: the spectrum clamped to the profile's decibel range, stored in the profile's spectrum encoding
    /// (decibel codes span that range).
    /// </summary>
    public static readonly string[] Decibels = [.. Spectrum, "db_min", "db_max", "spectrum_encoding"];

    /// <summary>
    /// <c>spectrum.bandsN</c>: the spectrum summed over bands laid out by the profile's band parameters, stored in the
    /// profile's spectrum encoding (decibel codes over a fixed range).
    /// </summary>
    public static readonly string[] Bands = [.. Magnitudes, "band_layout", "band_min_hz", "band_max_hz"];
}
