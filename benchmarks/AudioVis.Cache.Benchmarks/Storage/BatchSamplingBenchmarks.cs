using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Storage;

/// <summary>
/// One video frame of a scene with 1,000 elements: each element draws one band of a <c>spectrum.bands32</c>-shaped blob
/// (32 values a frame, 10-minute track at hop 512 and 44.1 kHz: 51,676 frames), 32 elements per blob, about 32 blobs,
/// sampled with linear interpolation. Memory-mapped blobs of a <see cref="FileSystemFeatureStore"/> against the same
/// blobs held in memory (the baseline). The time advances by 1/60 s per call, wrapping around the track, so chunks are
/// touched as a renderer at 60 fps touches them (each chunk is verified the first time).
/// </summary>
[MemoryDiagnoser]
public class BatchSamplingBenchmarks
{
    private const int Elements = 1000;
    private const int ValuesPerFrame = 32;
    private const int Frames = 51_676;

    private readonly float[] _values = new float[Elements];
    private string _folder = string.Empty;
    private readonly FeatureSamplerBatch _mapped = new();
    private readonly FeatureSamplerBatch _inMemory = new();
    private readonly List<FeatureSampler> _samplers = [];
    private double _time;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("avc-sampling-").FullName;
        var store = new FileSystemFeatureStore(_folder);
        var random = new Random(10);
        for (var element = 0; element < Elements; element += ValuesPerFrame)
        {
            var key = new CacheKey($"track-{element / ValuesPerFrame}.wav", "default");
            var descriptor = DescriptorId.Parse("spectrum.bands32@L");
            var values = new float[Frames * ValuesPerFrame];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = random.NextSingle();
            }

            var blob = new FeatureBlob(
                new FeatureBlobHeader(key, descriptor, ProfileRevisionHash.Compute(AnalysisParameters.Default), "src", "bands", 3, 44_100, 512, 2048, Frames, ValuesPerFrame),
                values);
            store.WriteAsync(blob).AsTask().GetAwaiter().GetResult();
            var mapped = FeatureSampler.OpenAsync(store, key, descriptor).AsTask().GetAwaiter().GetResult()!;
            var inMemory = new FeatureSampler(blob);
            _samplers.Add(mapped);
            for (var v = 0; v < ValuesPerFrame && element + v < Elements; v++)
            {
                _mapped.Add(mapped, v);
                _inMemory.Add(inMemory, v);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _samplers.ForEach(s => s.Dispose());
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "1,000 elements, blobs in memory")]
    public float InMemory() => Sample(_inMemory);

    [Benchmark(Description = "1,000 elements, memory-mapped blobs (file store)")]
    public float MemoryMapped() => Sample(_mapped);

    private float Sample(FeatureSamplerBatch batch)
    {
        _time += 1.0 / 60;
        if (_time > 590)
        {
            _time = 0;
        }

        batch.Sample(_time, _values);
        return _values[Elements - 1];
    }
}
