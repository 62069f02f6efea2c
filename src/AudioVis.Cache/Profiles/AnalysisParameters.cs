using System.Globalization;
using System.Text;

namespace AudioVis.Cache.Profiles;

/// <summary>
/// The parameters that decide what an analysis computes. Two profiles with equal parameters have the same
/// <see cref="ProfileRevisionHash"/>; a change to a parameter makes stale the cached descriptors that depend on it
/// (<see cref="Descriptors.DescriptorDefinition.ParameterDependencies"/>).
/// </summary>
/// <remarks>
/// Instances are immutable; use <c>with</c> expressions to derive variants and <see cref="Validate"/> (called by
/// <see cref="AnalysisProfile"/>) to check them. The canonical encoding (<see cref="ToCanonicalText"/>) is documented
/// in docs/profiles.md and never changes for a given format version.
/// </remarks>
public sealed record AnalysisParameters
{
    /// <summary>The smallest FFT size a profile may use.</summary>
    public const int MinFftSize = 64;

    /// <summary>The largest FFT size a profile may use.</summary>
    public const int MaxFftSize = 16384;

    /// <summary>The smallest resampling target, in Hz.</summary>
    public const int MinSampleRate = 8000;

    /// <summary>The largest resampling target, in Hz.</summary>
    public const int MaxSampleRate = 384000;

    // The largest finite float16.
    private const double MaxHalf = 65504;

    /// <summary>The first line of the canonical encoding; it names the encoding's format version.</summary>
    public const string CanonicalHeader = "audiovis-profile-v1";

    /// <summary>Gets the analysis window length in samples.</summary>
    /// <value>The default value is 2048.</value>
    public int WindowSize { get; init; } = 2048;

    /// <summary>Gets the distance between consecutive frames in samples.</summary>
    /// <value>The default value is 512.</value>
    public int HopSize { get; init; } = 512;

    /// <summary>Gets the FFT size: a power of two from 64 to 16384, at least <see cref="WindowSize"/> (frames are zero-padded).</summary>
    /// <value>The default value is 2048.</value>
    public int FftSize { get; init; } = 2048;

    /// <summary>Gets the window applied to each frame.</summary>
    /// <value>The default value is <see cref="WindowFunction.Hann"/>.</value>
    public WindowFunction WindowFunction { get; init; } = WindowFunction.Hann;

    /// <summary>Gets the floor of decibel descriptors, in dB.</summary>
    /// <value>The default value is -100.</value>
    public double MinDecibels { get; init; } = -100;

    /// <summary>Gets the ceiling of decibel descriptors, in dB.</summary>
    /// <value>The default value is 0.</value>
    public double MaxDecibels { get; init; }

    /// <summary>Gets how band-energy descriptors space their bands.</summary>
    /// <value>The default value is <see cref="BandLayout.Logarithmic"/>.</value>
    public BandLayout BandLayout { get; init; } = BandLayout.Logarithmic;

    /// <summary>Gets the lower edge of the first band, in Hz.</summary>
    /// <value>The default value is 20.</value>
    public double MinBandFrequency { get; init; } = 20;

    /// <summary>Gets the upper edge of the last band, in Hz (clamped to the Nyquist frequency at analysis time).</summary>
    /// <value>The default value is 20000.</value>
    public double MaxBandFrequency { get; init; } = 20000;

    /// <summary>Gets the sample rate the audio is resampled to before analysis, in Hz; <see langword="null"/> analyses at the track's native rate.</summary>
    /// <value>The default value is <see langword="null"/> (native rate).</value>
    public int? TargetSampleRate { get; init; }

    /// <summary>
    /// Gets how <c>spectrum</c>, <c>spectrum.db</c> and <c>spectrum.bandsN</c> are quantised and stored: float32 (exact),
    /// float16, or levels in dB quantised to 16 or 8 bits over the decibel range (see <see cref="Profiles.SpectrumEncoding"/>
    /// for each error bound). A host that only draws bars can store a byte a bin instead of four. Part of the revision
    /// hash; the canonical text omits it when it is <see cref="SpectrumEncoding.Float32"/>, so profiles from before it
    /// existed keep their revision.
    /// </summary>
    /// <value>The default value is <see cref="SpectrumEncoding.Float32"/>.</value>
    public SpectrumEncoding SpectrumEncoding { get; init; } = SpectrumEncoding.Float32;

    /// <summary>Gets the parameters every profile starts from.</summary>
    public static AnalysisParameters Default { get; } = new();

    /// <summary>Checks every rule and throws one exception that lists all broken rules.</summary>
    /// <exception cref="InvalidAnalysisParametersException">A rule is broken; the message names each offending value.</exception>
    public void Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0)
        {
            throw new InvalidAnalysisParametersException(errors);
        }
    }

    /// <summary>Lists the rules these parameters break, each message naming the offending value.</summary>
    /// <returns>The messages; empty when the parameters are valid.</returns>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (FftSize < MinFftSize || FftSize > MaxFftSize || !int.IsPow2(FftSize))
        {
            errors.Add(string.Create(inv, $"FftSize {FftSize} must be a power of two from {MinFftSize} to {MaxFftSize}."));
        }

        if (WindowSize < 2 || WindowSize > FftSize)
        {
            errors.Add(string.Create(inv, $"WindowSize {WindowSize} must be from 2 to FftSize ({FftSize})."));
        }

        if (HopSize < 1 || HopSize > WindowSize)
        {
            errors.Add(string.Create(inv, $"HopSize {HopSize} must be from 1 to WindowSize ({WindowSize})."));
        }

        if (!Enum.IsDefined(WindowFunction))
        {
            errors.Add(string.Create(inv, $"WindowFunction {(int)WindowFunction} is not a defined window function."));
        }

        if (!double.IsFinite(MinDecibels) || !double.IsFinite(MaxDecibels) || MinDecibels >= MaxDecibels)
        {
            errors.Add(string.Create(inv, $"MinDecibels {MinDecibels} must be finite and less than MaxDecibels {MaxDecibels}."));
        }

        if (!Enum.IsDefined(BandLayout))
        {
            errors.Add(string.Create(inv, $"BandLayout {(int)BandLayout} is not a defined band layout."));
        }

        if (!double.IsFinite(MinBandFrequency) || !double.IsFinite(MaxBandFrequency) || MinBandFrequency < 0 || MinBandFrequency >= MaxBandFrequency)
        {
            errors.Add(string.Create(inv, $"MinBandFrequency {MinBandFrequency} must be finite, at least 0 and less than MaxBandFrequency {MaxBandFrequency}."));
        }

        if (TargetSampleRate is { } rate && (rate < MinSampleRate || rate > MaxSampleRate))
        {
            errors.Add(string.Create(inv, $"TargetSampleRate {rate} must be from {MinSampleRate} to {MaxSampleRate} Hz, or null for the native rate."));
        }

        if (!Enum.IsDefined(SpectrumEncoding))
        {
            errors.Add(string.Create(inv, $"SpectrumEncoding {(int)SpectrumEncoding} is not a defined spectrum encoding."));
        }
        else if (SpectrumEncoding == SpectrumEncoding.Float16 && (Math.Abs(MinDecibels) > MaxHalf || Math.Abs(MaxDecibels) > MaxHalf))
        {
            errors.Add(string.Create(inv, $"With SpectrumEncoding Float16, MinDecibels {MinDecibels} and MaxDecibels {MaxDecibels} must be from -{MaxHalf} to {MaxHalf} (the float16 range)."));
        }

        return errors;
    }

    /// <summary>
    /// Returns the canonical parameters as (name, value) pairs in their fixed order, the values formatted with the
    /// invariant culture (doubles in round-trip form, -0 written as 0). The last pair is always <c>spectrum_encoding</c>,
    /// even when <see cref="ToCanonicalText"/> omits it.
    /// </summary>
    /// <returns>The pairs, in the order of the canonical encoding.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> ToCanonicalPairs() =>
    [
        new("window_size", Format(WindowSize)),
        new("hop_size", Format(HopSize)),
        new("fft_size", Format(FftSize)),
        new("window", WindowFunction switch
        {
            WindowFunction.Hann => "hann",
            WindowFunction.Hamming => "hamming",
            WindowFunction.Blackman => "blackman",
            WindowFunction.Rectangular => "rectangular",
            _ => Format((int)WindowFunction),
        }),
        new("db_min", Format(MinDecibels)),
        new("db_max", Format(MaxDecibels)),
        new("band_layout", BandLayout switch
        {
            BandLayout.Logarithmic => "log",
            BandLayout.Mel => "mel",
            _ => Format((int)BandLayout),
        }),
        new("band_min_hz", Format(MinBandFrequency)),
        new("band_max_hz", Format(MaxBandFrequency)),
        new("sample_rate", TargetSampleRate is { } rate ? Format(rate) : "native"),
        new(SpectrumEncodingName, SpectrumEncoding switch
        {
            SpectrumEncoding.Float32 => "float32",
            SpectrumEncoding.Float16 => "float16",
            SpectrumEncoding.Decibels16 => "db16",
            SpectrumEncoding.Decibels8 => "db8",
            _ => Format((int)SpectrumEncoding),
        }),
    ];

    /// <summary>
    /// Returns the canonical encoding: the line <c>audiovis-profile-v1</c>, then one <c>name=value</c> line per
    /// parameter in the order of <see cref="ToCanonicalPairs"/>, each line ended by a line feed (U+000A), except that the
    /// <c>spectrum_encoding</c> line is omitted when it is <c>float32</c> (so profiles from before the parameter existed
    /// keep their text and revision hash).
    /// </summary>
    /// <returns>The canonical text; its UTF-8 bytes are what <see cref="ProfileRevisionHash"/> hashes.</returns>
    public string ToCanonicalText()
    {
        var builder = new StringBuilder(256).Append(CanonicalHeader).Append('\n');
        foreach (var (name, value) in ToCanonicalPairs())
        {
            if (name == SpectrumEncodingName && SpectrumEncoding == SpectrumEncoding.Float32)
            {
                continue;
            }

            builder.Append(name).Append('=').Append(value).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Parses the canonical encoding written by <see cref="ToCanonicalText"/> (for stores that persist parameters), with or
    /// without the last line <c>spectrum_encoding</c> (its absence means <c>float32</c>; an explicit <c>float32</c> line
    /// is not canonical and is rejected).
    /// </summary>
    /// <param name="text">The canonical text.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="FormatException">The text is not a canonical encoding; the message names the offending line.</exception>
    public static AnalysisParameters ParseCanonicalText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var expected = Default.ToCanonicalPairs();
        var count = lines.Length - 2;
        if ((count != expected.Count && count != expected.Count - 1) || lines[0] != CanonicalHeader || lines[^1].Length != 0)
        {
            throw new FormatException($"Analysis parameters are not in the canonical encoding: expected '{CanonicalHeader}' followed by {expected.Count - 1} or {expected.Count} name=value lines, got '{text}'.");
        }

        // The last parameter, spectrum_encoding, is omitted when it is float32.
        var values = new string[expected.Count];
        values[^1] = "float32";
        for (var i = 0; i < count; i++)
        {
            var line = lines[i + 1];
            var prefix = expected[i].Key + "=";
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new FormatException($"Analysis parameters line {i + 2} '{line}' should start with '{prefix}'.");
            }

            values[i] = line[prefix.Length..];
        }

        try
        {
            var parameters = new AnalysisParameters
            {
                WindowSize = ParseInt(values[0]),
                HopSize = ParseInt(values[1]),
                FftSize = ParseInt(values[2]),
                WindowFunction = values[3] switch
                {
                    "hann" => WindowFunction.Hann,
                    "hamming" => WindowFunction.Hamming,
                    "blackman" => WindowFunction.Blackman,
                    "rectangular" => WindowFunction.Rectangular,
                    _ => throw new FormatException($"Unknown window '{values[3]}'."),
                },
                MinDecibels = ParseDouble(values[4]),
                MaxDecibels = ParseDouble(values[5]),
                BandLayout = values[6] switch
                {
                    "log" => BandLayout.Logarithmic,
                    "mel" => BandLayout.Mel,
                    _ => throw new FormatException($"Unknown band layout '{values[6]}'."),
                },
                MinBandFrequency = ParseDouble(values[7]),
                MaxBandFrequency = ParseDouble(values[8]),
                TargetSampleRate = values[9] == "native" ? null : ParseInt(values[9]),
                SpectrumEncoding = values[10] switch
                {
                    "float32" => SpectrumEncoding.Float32,
                    "float16" => SpectrumEncoding.Float16,
                    "db16" => SpectrumEncoding.Decibels16,
                    "db8" => SpectrumEncoding.Decibels8,
                    _ => throw new FormatException($"Unknown spectrum encoding '{values[10]}'."),
                },
            };
            return string.Equals(parameters.ToCanonicalText(), text, StringComparison.Ordinal)
                ? parameters
                : throw new FormatException($"Analysis parameters text is not canonical (values must be written as ToCanonicalText writes them): '{text}'.");
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"Analysis parameters text has a value out of range: '{text}'.", ex);
        }
    }

    /// <summary>The canonical name of <see cref="SpectrumEncoding"/>, the last canonical pair.</summary>
    internal const string SpectrumEncodingName = "spectrum_encoding";

    private static int ParseInt(string value) => int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static double ParseDouble(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    // "R" is the shortest text that round-trips (stable since .NET Core 3.0); -0 is folded into 0 so equal
    // parameters always encode equally.
    private static string Format(double value) => (value == 0 ? 0d : value).ToString("R", CultureInfo.InvariantCulture);
}
