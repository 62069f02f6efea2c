using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// The header of a feature blob: which {track, profile, descriptor, channel} the values belong to, what they were
/// computed from and with, and the shape of the frame grid. Stored in front of the values (see docs/feature-blobs.md).
/// </summary>
/// <remarks>
/// Everything in the header is part of the stored bytes, so equal headers encode to equal bytes. Nothing about how
/// a renderer samples the values (<see cref="FeatureSamplingOptions"/>) is part of it.
/// </remarks>
public sealed record FeatureBlobHeader
{
    /// <summary>The version of the binary format this library writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The largest number of values (<see cref="FrameCount"/> × <see cref="ValuesPerFrame"/>) a blob may hold: 2^28, 1 GiB of float32.</summary>
    public const int MaxValueCount = 1 << 28;

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
    /// <exception cref="ArgumentNullException">A reference argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is empty, malformed or out of range; the message names it and its value.</exception>
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
        int valuesPerFrame)
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
        if ((long)frameCount * valuesPerFrame > MaxValueCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(frameCount),
                frameCount,
                $"{frameCount} frames × {valuesPerFrame} values per frame of {descriptor} for {key} is {(long)frameCount * valuesPerFrame} values; at most {MaxValueCount} are allowed.");
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
    }

    /// <summary>Gets the version of the binary format the header is written in; always <see cref="CurrentFormatVersion"/>.</summary>
    public int FormatVersion => CurrentFormatVersion;

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

    /// <summary>Gets the number of values in the blob: <see cref="FrameCount"/> × <see cref="ValuesPerFrame"/>.</summary>
    public int ValueCount => FrameCount * ValuesPerFrame;

    /// <summary>Gets the time of frame <paramref name="frameIndex"/>: the centre of its window, (k·hop + window/2) / sampleRate seconds.</summary>
    /// <param name="frameIndex">The 0-based frame index; need not be below <see cref="FrameCount"/>.</param>
    /// <returns>The time in seconds from the start of the track.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameIndex"/> is negative.</exception>
    public double GetFrameTime(int frameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameIndex);
        return (((double)frameIndex * HopSize) + (WindowSize / 2.0)) / SampleRate;
    }
}
