using AudioVis.Cache.Intents;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Diffing;

/// <summary>
/// One render frame when nothing changed: 1,000 elements re-publish their (unchanged) intents and the scheduler
/// runs. Target: ≤ 20 µs per frame and 0 bytes allocated. Baseline: re-diffing every group every frame, what a
/// host without memoization would do.
/// </summary>
[MemoryDiagnoser]
public class SteadyStateFrameBenchmarks
{
    private FrameWorkload _workload = null!;

    [GlobalSetup]
    public void Setup() => _workload = new FrameWorkload(1000);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark(Baseline = true, Description = "naive: re-diff all 150 groups")]
    public async Task<int> NaiveFullRediff()
    {
        var count = 0;
        foreach (var (key, intents) in _workload.Groups)
        {
            var diff = await _workload.Differ.DiffAsync(key, intents).ConfigureAwait(false);
            count += diff.Missing.Count;
        }

        return count;
    }

    [Benchmark(Description = "AudioVis.Cache: publish 1,000 unchanged + frame")]
    public int MemoizedFrame()
    {
        var bus = _workload.Bus;
        foreach (AnalysisIntent intent in _workload.IntentsA)
        {
            bus.Publish(intent);
        }

        return _workload.Scheduler.RunFrameAsync().Result.Count;
    }
}
