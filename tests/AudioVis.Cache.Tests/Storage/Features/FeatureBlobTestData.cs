using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>Blobs for the feature-store and sampler tests.</summary>
internal static class FeatureBlobTestData
{
    public static readonly ProfileRevisionHash Revision =
        ProfileRevisionHash.Parse("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    public static readonly CacheKey Key = new("track.wav", "default");

    public static FeatureBlobHeader Header(
        CacheKey? key = null,
        string descriptor = "rms@L",
        int sampleRate = 48000,
        int hopSize = 512,
        int windowSize = 1024,
        int frameCount = 3,
        int valuesPerFrame = 2) =>
        new(
            key ?? Key,
            DescriptorId.Parse(descriptor),
            Revision,
            "src-0001",
            "time",
            1,
            sampleRate,
            hopSize,
            windowSize,
            frameCount,
            valuesPerFrame);

    /// <summary>A blob whose values are a function of frame and value index, seeded so different blobs differ.</summary>
    public static FeatureBlob Blob(CacheKey? key = null, string descriptor = "rms@L", int frameCount = 3, int valuesPerFrame = 2, float seed = 0)
    {
        var header = Header(key, descriptor, frameCount: frameCount, valuesPerFrame: valuesPerFrame);
        var values = new float[header.ValueCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = seed + (i * 0.25f) - 1f;
        }

        return new FeatureBlob(header, values);
    }

    /// <summary>The time written into <see cref="Golden"/>: 2026-11-25T21:00:00Z, UTC ticks 639,312,372,000,000,000.</summary>
    public static readonly DateTimeOffset GoldenWrittenAt = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The blob whose format-version-2 encoding is pinned by the golden tests (docs/feature-blobs.md): the values of
    /// <see cref="GoldenV1"/>, with the default parameters (so their revision hash) and <see cref="GoldenWrittenAt"/>. Never change it.
    /// </summary>
    public static FeatureBlob Golden() =>
        new(
            new FeatureBlobHeader(
                Key,
                DescriptorId.Parse("rms@L"),
                ProfileRevisionHash.Compute(AnalysisParameters.Default),
                "src-0001",
                "time",
                1,
                48000,
                512,
                1024,
                3,
                2,
                AnalysisParameters.Default,
                GoldenWrittenAt),
            [0f, 0.5f, 1f, -1f, 2.5f, -0.0f]);

    /// <summary>The blob of the format-version-1 example (the 139 bytes of Fixtures/v1-golden.avcf). Never change it.</summary>
    public static FeatureBlob GoldenV1() =>
        new(Header(frameCount: 3, valuesPerFrame: 2), [0f, 0.5f, 1f, -1f, 2.5f, -0.0f]);

    /// <summary>Compares values bit for bit (NaN payloads and −0 included).</summary>
    /// <summary>Asserts that a reader returns the blob's frames for each range of frames (e.g. ranges straddling chunks).</summary>
    public static void AssertReadsFrames(IFeatureBlobReader reader, FeatureBlob blob, params (int First, int Count)[] ranges)
    {
        var valuesPerFrame = blob.Header.ValuesPerFrame;
        foreach (var (first, count) in ranges)
        {
            var frames = new float[count * valuesPerFrame];
            reader.ReadFrames(first, frames);
            Assert.That(frames, Is.EqualTo(blob.Values.Slice(first * valuesPerFrame, count * valuesPerFrame).ToArray()), $"frames {first}…{first + count - 1}");
        }
    }

    public static int[] Bits(FeatureBlob blob) => [.. blob.Values.ToArray().Select(BitConverter.SingleToInt32Bits)];
}
