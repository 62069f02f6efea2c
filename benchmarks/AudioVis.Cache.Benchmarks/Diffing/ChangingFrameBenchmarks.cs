using AudioVis.Cache.Intents;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Diffing;

/// <summary>
/// One render frame with churn: 10,000 elements re-publish their intents, 1% of them (100) with a changed
/// descriptor set, then the scheduler diffs the touched groups. Target: ≤ 1 ms per frame. Baseline: re-diffing
/// every group every frame.
/// </summary>
[MemoryDiagnoser]
public class ChangingFrameBenchmarks
{
    private const int Elements = 10_000;
    private const int ChangingPerFrame = Elements / 100;

    private FrameWorkload _workload = null!;

    [GlobalSetup]
    public void Setup() => _workload = new FrameWorkload(Elements);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark(Baseline = true, Description = "naive: re-diff all 150 groups")]
    public async Task<int> NaiveFullRediff()
    {
        _workload.ChangeElements(ChangingPerFrame);
        foreach (AnalysisIntent intent in _workload.Held)
        {
            _workload.Bus.Publish(intent);
        }

        var count = 0;
        foreach (var group in _workload.Bus.GetIntents().GroupBy(i => i.Key))
        {
            var diff = await _workload.Differ.DiffAsync(group.Key, [.. group]).ConfigureAwait(false);
            count += diff.Missing.Count;
        }

        return count;
    }

    [Benchmark(Description = "AudioVis.Cache: 10,000 publishes (1% changed) + frame")]
    public int MemoizedFrame()
    {
        var bus = _workload.Bus;
        _workload.ChangeElements(ChangingPerFrame);
        foreach (AnalysisIntent intent in _workload.Held)
        {
            bus.Publish(intent);
        }

        return _workload.Scheduler.RunFrameAsync().Result.Count;
    }
}
