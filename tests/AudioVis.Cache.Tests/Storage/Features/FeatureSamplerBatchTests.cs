using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>The renderer API: <see cref="FeatureSampler.OpenAsync"/> and <see cref="FeatureSamplerBatch"/>.</summary>
public sealed class FeatureSamplerBatchTests
{
    [Test]
    public async Task OpenAsync_FileStore_SamplesAsTheBlobDoes_NullWhenAbsent_AndDisposeClosesTheBlob()
    {
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        var blob = Blob(descriptor: "spectrum.bands32@L", frameCount: 900, valuesPerFrame: 32, seed: 3);
        await store.WriteAsync(blob);

        var sampler = (await FeatureSampler.OpenAsync(store, Key, blob.Header.Descriptor))!;
        var reference = new FeatureSampler(blob);
        using (Assert.EnterMultipleScope())
        {
            for (var seconds = 0.0; seconds < 10; seconds += 0.37)
            {
                Assert.That(sampler.Sample(seconds, 31), Is.EqualTo(reference.Sample(seconds, 31)), $"{seconds} s");
            }

            Assert.That(await FeatureSampler.OpenAsync(store, Key, DescriptorId.Parse("rms")), Is.Null);
        }

        sampler.Dispose();
        sampler.Dispose();
        Assert.That(() => sampler.Sample(1.0), Throws.InstanceOf<ObjectDisposedException>());
    }

    // Compact encodings decode on the read path (issue #10): still nothing allocated.
    [TestCase(FeatureEncodingKind.Float32)]
    [TestCase(FeatureEncodingKind.Float16)]
    [TestCase(FeatureEncodingKind.Decibels16)]
    [TestCase(FeatureEncodingKind.Decibels8)]
    public async Task Sample_AThousandElementsOfMappedBlobs_EqualsEachSampler_AndAllocatesNothing(FeatureEncodingKind kind)
    {
        var encoding = kind switch
        {
            FeatureEncodingKind.Float32 => FeatureValueEncoding.Float32,
            FeatureEncodingKind.Float16 => FeatureValueEncoding.Float16,
            _ => FeatureValueEncoding.Decibels(kind, FeatureLevelScale.Amplitude, -60, 100),
        };
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        var samplers = new List<FeatureSampler>();
        var batch = new FeatureSamplerBatch();
        for (var b = 0; b < 10; b++)
        {
            var plain = Blob(new CacheKey($"track-{b}.wav", "default"), "spectrum.bands32@L", frameCount: 5000, valuesPerFrame: 100, seed: b);
            var blob = new FeatureBlob(plain.Header with { Encoding = encoding }, plain.Values.Span);
            await store.WriteAsync(blob);
            var sampler = (await FeatureSampler.OpenAsync(store, blob.Header.Key, blob.Header.Descriptor))!;
            samplers.Add(sampler);
            for (var v = 0; v < 100; v++)
            {
                Assert.That(batch.Add(sampler, v), Is.EqualTo((b * 100) + v));
            }
        }

        var values = new float[batch.Count];
        // Warm-up over the same times: the first touch of each chunk verifies it, and the code is compiled; then steady state.
        for (var frame = 0; frame < 100; frame++)
        {
            batch.Sample(3.0 + (frame / 60.0), values);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var frame = 0; frame < 100; frame++)
        {
            batch.Sample(3.0 + (frame / 60.0), values);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        batch.Sample(4.5, values);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(batch.Count, Is.EqualTo(1000));
            Assert.That(allocated, Is.Zero, "bytes allocated by 100 batched samples");
            for (var i = 0; i < 1000; i++)
            {
                Assert.That(values[i], Is.EqualTo(samplers[i / 100].Sample(4.5, i % 100)), $"element {i}");
            }
        }

        samplers.ForEach(s => s.Dispose());
    }

    [Test]
    public void AddAndSample_BadArguments_ThrowNamingThem()
    {
        var sampler = new FeatureSampler(Blob(frameCount: 4, valuesPerFrame: 2));
        var batch = new FeatureSamplerBatch();
        batch.Add(sampler, 1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => batch.Add(sampler, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Value index 2 is outside the 2 values"));
            Assert.That(() => batch.Add(null!), Throws.ArgumentNullException);
            Assert.That(() => batch.Sample(0, []), Throws.ArgumentException.With.Message.Contains("has 1 elements"));
            Assert.That(() => batch.Sample(double.NaN, new float[1]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }
}
