using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.ChildProcess;

/// <summary>
/// The blobs the <c>shared-writer</c> processes write to one folder (linked into the reliability tests, which check the
/// folder afterwards): every value is a function of the writer's seed, the write's number and the value's index, and the
/// header's source hash names the writer and the write, so a reader can tell a whole blob of one writer from a mix.
/// </summary>
internal static class SharedFolderBlobs
{
    /// <summary>The number of keys the writers share (every writer writes all of them, so they overlap).</summary>
    public const int KeyCount = 6;

    /// <summary>Frames per blob: 4096 × 8 values = 128 KiB, so a write spans several 64 KiB chunks.</summary>
    public const int FrameCount = 4096;

    /// <summary>Values per frame.</summary>
    public const int ValuesPerFrame = 8;

    /// <summary>The descriptor every blob is written for.</summary>
    public static readonly DescriptorId Descriptor = DescriptorId.Parse("spectrum.bands8@L");

    private static readonly ProfileRevisionHash Revision = ProfileRevisionHash.Parse(new string('a', 64));

    /// <summary>The key of number <paramref name="index"/>.</summary>
    public static CacheKey Key(int index) => new($"shared/track-{index}.wav", AnalysisProfile.DefaultId);

    /// <summary>The blob writer <paramref name="seed"/> writes as its write number <paramref name="write"/>.</summary>
    public static FeatureBlob Create(CacheKey key, int seed, int write)
    {
        var header = new FeatureBlobHeader(key, Descriptor, Revision, SourceHash(seed, write), "shared-writer", 1, 48000, 512, 1024, FrameCount, ValuesPerFrame);
        var values = new float[FrameCount * ValuesPerFrame];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Value(seed, write, i);
        }

        return new FeatureBlob(header, values);
    }

    /// <summary>
    /// Checks a blob read back: its header names one write of one writer, and every value is that write's.
    /// Returns what is wrong, or <see langword="null"/>.
    /// </summary>
    public static string? Check(FeatureBlob blob, CacheKey key)
    {
        var header = blob.Header;
        if (!header.Key.Equals(key) || header.FrameCount != FrameCount || header.ValuesPerFrame != ValuesPerFrame)
        {
            return $"header {header.Key} {header.FrameCount}×{header.ValuesPerFrame} is not a shared-writer blob of {key}";
        }

        var parts = header.SourceContentHash.Split('-');
        if (parts.Length != 3 || parts[0] != "w" || !int.TryParse(parts[1], out var seed) || !int.TryParse(parts[2], out var write))
        {
            return $"source hash '{header.SourceContentHash}' names no writer";
        }

        var values = blob.Values.Span;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] != Value(seed, write, i))
            {
                return $"value {i} is {values[i]}, not writer {seed}'s write {write} ({Value(seed, write, i)}): a mixed blob";
            }
        }

        return null;
    }

    /// <summary>The writer whose blob this is (its header's source hash).</summary>
    public static int WriterOf(FeatureBlob blob) => int.Parse(blob.Header.SourceContentHash.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static string SourceHash(int seed, int write) => FormattableString.Invariant($"w-{seed}-{write}");

    private static float Value(int seed, int write, int index) => ((seed * 1_000_003) + (write * 7_919) + index) % 65_521;
}
