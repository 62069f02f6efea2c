using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Benchmarks.Regeneration;

/// <summary>
/// Queue overhead per job, analysis excluded (the analyzer returns precomputed records synchronously).
/// Target: ≤ 10 µs and ≤ 1 KB allocated per job (or per duplicate requester).
/// </summary>
[MemoryDiagnoser]
public class RegenerationQueueBenchmarks
{
    private const int Keys = 100;
    private const int JobsPerKey = 100;
    private const int Duplicates = 1000;

    private readonly RegenerationRequest[] _requests = new RegenerationRequest[Keys];
    private readonly Task<RegenerationOutcome>[] _wave = new Task<RegenerationOutcome>[Keys];
    private readonly Task<RegenerationOutcome>[] _duplicates = new Task<RegenerationOutcome>[Duplicates];
    private RegenerationQueue _queue = null!;
    private AnalysisAvailability _availability = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rms = DescriptorId.Parse("rms");
        var records = new Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>>();
        for (var k = 0; k < Keys; k++)
        {
            var key = new CacheKey($"track-{k:D3}.wav", AnalysisProfile.DefaultId);
            _requests[k] = new RegenerationRequest(key, [rms], RegenerationReason.Stale, ["element"]);
            records[key] = [new CacheMetadataRecord(key, rms, AnalysisProfile.Default.RevisionHash, AnalysisProfile.Default.Parameters, "pcm-sha256:bench", "time", 1, DateTimeOffset.UnixEpoch)];
        }

        _availability = new AnalysisAvailability(NullLogger<AnalysisAvailability>.Instance);
        _queue = new RegenerationQueue(
            new PrecomputedAnalyzer(records),
            new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance),
            _availability,
            new ExportCoordinator(NullLogger<ExportCoordinator>.Instance),
            Options.Create(new RegenerationOptions()),
            TimeProvider.System,
            NullLogger<RegenerationQueue>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup() => _queue.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>10,000 jobs across 100 keys: 100 waves of one job per key (each wave waits, so no job merges into another).</summary>
    [Benchmark(OperationsPerInvoke = Keys * JobsPerKey, Description = "per job: 10,000 jobs across 100 keys")]
    public async Task JobsAcrossKeys()
    {
        for (var wave = 0; wave < JobsPerKey; wave++)
        {
            for (var k = 0; k < Keys; k++)
            {
                _wave[k] = _queue.RegenerateAsync(_requests[k]);
            }

            await Task.WhenAll(_wave).ConfigureAwait(false);
        }
    }

    /// <summary>1,000 requesters of one descriptor join one job (enqueued while paused, so all join before it runs).</summary>
    [Benchmark(OperationsPerInvoke = Duplicates, Description = "per requester: 1,000 duplicates of one descriptor")]
    public async Task DuplicateRequesters()
    {
        _availability.SetAvailable(false);
        var request = _requests[0];
        for (var i = 0; i < Duplicates; i++)
        {
            _duplicates[i] = _queue.RegenerateAsync(request);
        }

        _availability.SetAvailable(true);
        await Task.WhenAll(_duplicates).ConfigureAwait(false);
    }

    private sealed class PrecomputedAnalyzer(Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>> records) : IAudioAnalyzer
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(records[request.Key]);
    }
}
