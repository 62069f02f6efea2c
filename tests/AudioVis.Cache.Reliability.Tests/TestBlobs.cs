using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.Tests;

/// <summary>Feature blobs for the suite: values a function of their index and a seed, so different blobs differ.</summary>
internal static class TestBlobs
{
    public static readonly CacheKey Key = new("track.wav", AnalysisProfile.DefaultId);

    public static readonly DescriptorId Descriptor = DescriptorId.Parse("spectrum.bands4@L");

    public static FeatureBlob Make(int frameCount, float seed, int valuesPerFrame = 4)
    {
        var header = new FeatureBlobHeader(
            Key,
            Descriptor,
            ProfileRevisionHash.Compute(AnalysisParameters.Default),
            "src-0001",
            "spectrum",
            1,
            48000,
            512,
            1024,
            frameCount,
            valuesPerFrame,
            AnalysisParameters.Default,
            new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var values = new float[header.ValueCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = seed + (i * 0.25f);
        }

        return new FeatureBlob(header, values);
    }
}
