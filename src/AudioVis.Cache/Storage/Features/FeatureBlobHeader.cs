using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// The header of a feature blob: which {track, profile, descriptor, channel} the values belong to, what they were
/// computed from and with, and the shape of the frame grid. Stored in front of the values (see docs/feature-blobs.md).
/// </summary>
/// <remarks>
/// <para>
/// Everything in the header is part of the stored bytes, so equal headers encode to equal bytes. Nothing about how
/// a renderer samples the values (<see cref="FeatureSamplingOptions"/>) is part of it.
/// </para>
/// <para>
/// The header carries everything the blob's <see cref="CacheMetadataRecord"/> holds (key, descriptor, revision hash,
/// <see cref="Parameters"/>, source hash, calculator, <see cref="WrittenAt"/>), so the metadata can be rebuilt from the
/// feature store alone (<see cref="ICacheMaintenance"/>). <see cref="WrittenAt"/> is the only field that depends on the
/// clock; for a given time the encoding is deterministic.
/// </para>
/// </remarks>
public sealed record FeatureBlobHeader
{
    /// <summary>
    /// The version of the binary format this library writes: 3, chunked with per-chunk checksums (docs/feature-blobs.md).
    /// Versions 1 (no parameters, no time) and 2 (one whole-blob checksum) are still read.
    /// </summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>Initializes a new instance of the <see cref="FeatureBlobHeader"/> class.</summary>
    /// <param name="key">The {track, profile} the blob belongs to.</param>
    /// <param name="descriptor">The descriptor id, channel alias included (<c>rms@L</c>).</param>
    /// <param name="profileRevisionHash">The revision hash of the profile parameters the values were computed with.</param>
    /// <param name="sourceContentHash">A stable hash of the decoded audio the values were computed from.</param>
    /// <param name="calculatorId">The id of the calculator that computed the values.</param>
    /// <param name="calculatorVersion">The version of that calculator (0 or more).</param>
    /// <param name="sampleRate">The sample rate of the analysed audio in Hz (1 or more).</param>
    /// <param name="hopSize">The number of samples between the starts of two frames (1 or more).</param>
    /// <param name="windowSize">The number of samples in one frame's window (1 or more); places each frame's centre in time.</param>
    /// <param name="frameCount">The number of frames (0 or more).</param>
    /// <param name="valuesPerFrame">The number of values in each frame (1 or more), e.g. 32 for <c>spectrum.bands32</c>.</param>
    /// <param name="parameters">
    /// The profile parameters the values were computed with; they must hash to <paramref name="profileRevisionHash"/>.
    /// <see langword="null"/> when unknown.
    /// </param>
    /// <param name="writtenAt">
    /// When the analysis that produced the values finished (the record's <see cref="CacheMetadataRecord.AnalyzedAt"/>);
    /// stored as UTC, so the offset is not kept. <see langword="null"/> when unknown.
    /// </param>
    /// <exception cref="ArgumentNullException">A reference argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is empty, malformed or out of range, or <paramref name="parameters"/> do not hash to <paramref name="profileRevisionHash"/>; the message names it and its value.</exception>
    public FeatureBlobHeader(
        CacheKey key,
        DescriptorId descriptor,
        ProfileRevisionHash profileRevisionHash,
        string sourceContentHash,
        string calculatorId,
        int calculatorVersion,
        int sampleRate,
        int hopSize,
        int windowSize,
        int frameCount,
        int valuesPerFrame,
        AnalysisParameters? parameters = null,
        DateTimeOffset? writtenAt = null)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(profileRevisionHash);
        ArgumentOutOfRangeException.ThrowIfNegative(calculatorVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hopSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(valuesPerFrame, 1);

        if (parameters is not null && !profileRevisionHash.Equals(ProfileRevisionHash.Compute(parameters)))
        {
            throw new ArgumentException(
                $"The parameters of {descriptor} for {key} hash to {ProfileRevisionHash.Compute(parameters).Short}…, not to the blob's revision {profileRevisionHash.Short}….",
                nameof(parameters));
        }

        Key = key;
        Descriptor = descriptor;
        ProfileRevisionHash = profileRevisionHash;
        SourceContentHash = Guard.Token(sourceContentHash, "Source content hash");
        CalculatorId = Guard.Token(calculatorId, "Calculator id");
        CalculatorVersion = calculatorVersion;
        SampleRate = sampleRate;
        HopSize = hopSize;
        WindowSize = windowSize;
        FrameCount = frameCount;
        ValuesPerFrame = valuesPerFrame;
        Parameters = parameters;
        WrittenAt = writtenAt?.ToUniversalTime();
    }

    /// <summary>
    /// Gets the version of the binary format the header was read from: <see cref="CurrentFormatVersion"/> for a header
    /// created in code (a store always writes the current version), 1 or 2 for a header read from an older blob.
    /// </summary>
    public int FormatVersion { get; private init; } = CurrentFormatVersion;

    /// <summary>Gets the {track, profile} the blob belongs to.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the descriptor id, channel alias included.</summary>
    public DescriptorId Descriptor { get; }

    /// <summary>Gets the revision hash of the profile parameters the values were computed with.</summary>
    public ProfileRevisionHash ProfileRevisionHash { get; }

    /// <summary>Gets the hash of the decoded audio the values were computed from.</summary>
    public string SourceContentHash { get; }

    /// <summary>Gets the id of the calculator that computed the values.</summary>
    public string CalculatorId { get; }

    /// <summary>Gets the version of that calculator.</summary>
    public int CalculatorVersion { get; }

    /// <summary>Gets the sample rate of the analysed audio in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the number of samples between the starts of two frames.</summary>
    public int HopSize { get; }

    /// <summary>Gets the number of samples in one frame's window.</summary>
    public int WindowSize { get; }

    /// <summary>Gets the number of frames.</summary>
    public int FrameCount { get; }

    /// <summary>Gets the number of values in each frame.</summary>
    public int ValuesPerFrame { get; }

    /// <summary>
    /// Gets the profile parameters the values were computed with (they hash to <see cref="ProfileRevisionHash"/>), so a
    /// rebuilt record can name which parameter changed; <see langword="null"/> when unknown (always for format version 1).
    /// </summary>
    public AnalysisParameters? Parameters { get; }

    /// <summary>
    /// Gets when the analysis that produced the values finished, in UTC (the record's
    /// <see cref="CacheMetadataRecord.AnalyzedAt"/>); <see langword="null"/> when unknown (always for format version 1).
    /// </summary>
    public DateTimeOffset? WrittenAt { get; }

    /// <summary>
    /// Gets how the blob stores its values: <see cref="FeatureValueEncoding.Float32"/> (exact) unless the profile's
    /// <see cref="AnalysisParameters.SpectrumEncoding"/> chose a compact one for a spectrum descriptor. A store rounds the
    /// values it is given to the encoding and every read returns decoded floats (docs/feature-blobs.md, "Value encodings").
    /// </summary>
    /// <value>The default value is <see cref="FeatureValueEncoding.Float32"/>.</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public FeatureValueEncoding Encoding
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(value), $"The value encoding of {Descriptor} for {Key} is null.");
    } = FeatureValueEncoding.Float32;

    /// <summary>
    /// Gets the number of values in the blob: <see cref="FrameCount"/> × <see cref="ValuesPerFrame"/>. A stored blob has no
    /// limit short of the file system's; a <see cref="FeatureBlob"/> held in memory is limited to one array
    /// (<see cref="Array.MaxLength"/> values); read larger blobs through <see cref="IFeatureStore.OpenReaderAsync"/>.
    /// </summary>
    public long ValueCount => (long)FrameCount * ValuesPerFrame;

    /// <summary>Gets the time of frame <paramref name="frameIndex"/>: the centre of its window, (k·hop + window/2) / sampleRate seconds.</summary>
    /// <param name="frameIndex">The 0-based frame index; need not be below <see cref="FrameCount"/>.</param>
    /// <returns>The time in seconds from the start of the track.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameIndex"/> is negative.</exception>
    public double GetFrameTime(int frameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameIndex);
        return (((double)frameIndex * HopSize) + (WindowSize / 2.0)) / SampleRate;
    }

    /// <summary>Returns this header marked as read from a blob of format version <paramref name="formatVersion"/>.</summary>
    internal FeatureBlobHeader WithFormatVersion(int formatVersion) =>
        formatVersion == FormatVersion ? this : this with { FormatVersion = formatVersion };
}
