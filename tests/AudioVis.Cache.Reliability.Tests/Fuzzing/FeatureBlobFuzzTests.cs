using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>
/// The feature blob readers of the file store over damaged blobs: the stream reader (<c>ReadAsync</c>, every version)
/// and the reader <c>OpenReaderAsync</c> picks (memory-mapped for version 3, the stream reader otherwise), read to the
/// last frame. Seeds: the version 1 and 2 golden fixtures, and version 3 blobs in every value encoding, one of them
/// several chunks long.
/// </summary>
public sealed class FeatureBlobFuzzTests
{
    private static readonly CacheKey Key = new("track.wav", "default");

    [Test]
    public async Task Readers_DamagedBlob_ReadTheSameValuesOrBothThrowCorruptFeatureBlobExceptionNamingTheFile()
    {
        using var folder = new FuzzFolder();
        BlobSeed[] seeds = [.. await FixtureSeedsAsync(), .. await V3SeedsAsync()];
        var cases = Gen.OneOf([.. seeds.Select(seed => ByteMutations.Of(seed.Bytes).Select(bytes => new BlobCase(seed, bytes, Path.Combine(folder.Path, $"{Guid.NewGuid():N}"))))]);

        FuzzHarness.Run(
            "FileSystemFeatureStore.ReadAsync + OpenReaderAsync (blob v1, v2, v3)",
            cases,
            ReadBothWays,
            [typeof(CorruptFeatureBlobException)],
            c => c.BlobPath,
            fast: 1_000,
            print: c => $"{c.Seed.Name}: {new FuzzFile(c.Bytes, c.BlobPath).Print()}");
    }

    /// <summary>Both readers agree: the same values, or both reject the blob (the mapped reader when the bad chunk is read).</summary>
    private static void ReadBothWays(BlobCase c)
    {
        var (key, descriptor) = (c.Seed.Key, c.Seed.Descriptor);
        var store = new FileSystemFeatureStore(c.Root);
        Directory.CreateDirectory(Path.GetDirectoryName(c.BlobPath)!);
        File.WriteAllBytes(c.BlobPath, c.Bytes);

        var whole = Outcome(() => store.ReadAsync(key, descriptor).AsTask().GetAwaiter().GetResult()!.Values.ToArray());
        var mapped = Outcome(() =>
        {
            using var reader = store.OpenReaderAsync(key, descriptor).AsTask().GetAwaiter().GetResult()!;
            var values = new float[reader.Header.ValueCount];
            reader.ReadFrames(0, values);
            return values;
        });
        Directory.Delete(c.Root, recursive: true);

        Assert.That(mapped.Error is null, Is.EqualTo(whole.Error is null), $"the readers disagree: whole {whole.Error?.Message ?? "read"}, mapped {mapped.Error?.Message ?? "read"}");
        if (whole.Error is not null)
        {
            throw whole.Error;
        }

        Assert.That(mapped.Values!.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(whole.Values!.Select(BitConverter.SingleToInt32Bits)));
    }

    private static (float[]? Values, Exception? Error) Outcome(Func<float[]> read)
    {
        try
        {
            return (read(), null);
        }
        catch (CorruptFeatureBlobException e)
        {
            return (null, e);
        }
    }

    private static async Task<BlobSeed[]> FixtureSeedsAsync()
    {
        var seeds = new List<BlobSeed>();
        foreach (var name in new[] { "v1-golden.avcf", "v2-golden.avcf" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fuzzing", "Fixtures", name));
            using var stream = new MemoryStream(bytes);
            var header = (await FeatureBlobFormat.ReadAsync(stream, name, CancellationToken.None)).Header;
            seeds.Add(new BlobSeed(name, header.Key, header.Descriptor, bytes));
        }

        return [.. seeds];
    }

    private static async Task<BlobSeed[]> V3SeedsAsync()
    {
        FeatureValueEncoding[] encodings =
        [
            FeatureValueEncoding.Float32,
            FeatureValueEncoding.Float16,
            FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Amplitude, -96, 6),
            FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Power, -32, 68),
        ];
        var seeds = new List<BlobSeed>();
        foreach (var encoding in encodings)
        {
            seeds.Add(await V3Async($"v3 {encoding}", Blob("spectrum.bands32@L", frames: 5, valuesPerFrame: 32, encoding)));
        }

        // Three chunks (the last one partial): chunk boundaries and the index.
        var perChunk = FeatureBlobFormat.GetFramesPerChunk(1025);
        seeds.Add(await V3Async("v3 three chunks", Blob("spectrum.bins@R", frames: (2 * perChunk) + 1, valuesPerFrame: 1025, FeatureValueEncoding.Float16)));
        return [.. seeds];
    }

    private static async Task<BlobSeed> V3Async(string name, FeatureBlob blob) =>
        new(name, blob.Header.Key, blob.Header.Descriptor, await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None));

    private static FeatureBlob Blob(string descriptor, int frames, int valuesPerFrame, FeatureValueEncoding encoding)
    {
        var parameters = AnalysisParameters.Default;
        var header = new FeatureBlobHeader(
            Key, DescriptorId.Parse(descriptor), ProfileRevisionHash.Compute(parameters), "src-0001", "fft", 1, 48_000, 512, 1024, frames, valuesPerFrame, parameters, new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero))
        {
            Encoding = encoding,
        };
        var values = new float[header.ValueCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = -60f + ((i * 7) % 61);
        }

        return new FeatureBlob(header, values);
    }

    private sealed record BlobSeed(string Name, CacheKey Key, DescriptorId Descriptor, byte[] Bytes);

    private sealed record BlobCase(BlobSeed Seed, byte[] Bytes, string Root)
    {
        public string BlobPath { get; } = new FileSystemFeatureStore(Root).GetBlobPath(Seed.Key, Seed.Descriptor);
    }
}
