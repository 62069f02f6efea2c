using System.Net;
using System.Net.Sockets;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Benchmarks.Orleans;

/// <summary>
/// Scheduling overhead per job of the Orleans queue against the in-process queue, analysis excluded (a no-op analyzer):
/// one silo and one client in this process, talking over loopback TCP. Target: ≤ 2 ms more per job.
/// </summary>
[MemoryDiagnoser]
public class OrleansSchedulingBenchmarks
{
    private const int Keys = 50;

    private readonly RegenerationRequest[] _requests = new RegenerationRequest[Keys];
    private readonly Task<RegenerationOutcome>[] _wave = new Task<RegenerationOutcome>[Keys];
    private IHost _silo = null!;
    private IHost _client = null!;
    private IRegenerationQueue _inProcess = null!;
    private IRegenerationQueue _orleans = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rms = DescriptorId.Parse("rms");
        for (var k = 0; k < Keys; k++)
        {
            _requests[k] = new RegenerationRequest(new CacheKey($"track-{k:D3}.wav", AnalysisProfile.DefaultId), [rms], RegenerationReason.Stale);
        }

        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var silo = Host.CreateApplicationBuilder();
        silo.Logging.SetMinimumLevel(LogLevel.Warning);
        silo.UseOrleans(s => s.UseLocalhostClustering(siloPort, gatewayPort).AddAudioVisCacheWorker());
        silo.Services.AddAudioVisCache();
        silo.Services.Replace(ServiceDescriptor.Singleton<IAudioAnalyzer>(new NoOpAnalyzer()));
        _silo = silo.Build();
        _silo.StartAsync().GetAwaiter().GetResult();

        var client = Host.CreateApplicationBuilder();
        client.Logging.SetMinimumLevel(LogLevel.Warning);
        client.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort));
        client.Services.AddAudioVisCache().UseOrleansRegenerationQueue();
        _client = client.Build();
        _client.StartAsync().GetAwaiter().GetResult();
        _orleans = _client.Services.GetRequiredService<IRegenerationQueue>();

        var local = new ServiceCollection();
        local.AddAudioVisCache();
        local.Replace(ServiceDescriptor.Singleton<IAudioAnalyzer>(new NoOpAnalyzer()));
        _inProcess = local.BuildServiceProvider().GetRequiredService<IRegenerationQueue>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client.StopAsync().GetAwaiter().GetResult();
        _silo.StopAsync().GetAwaiter().GetResult();
        _client.Dispose();
        _silo.Dispose();
    }

    /// <summary>One job at a time, awaited: the latency a single request pays.</summary>
    [Benchmark(Baseline = true, Description = "in-process, one job at a time")]
    public Task<RegenerationOutcome> InProcessSequential() => _inProcess.RegenerateAsync(_requests[0]);

    [Benchmark(Description = "Orleans, one job at a time")]
    public Task<RegenerationOutcome> OrleansSequential() => _orleans.RegenerateAsync(_requests[0]);

    /// <summary>50 keys at once: per-job cost when requests overlap.</summary>
    [Benchmark(OperationsPerInvoke = Keys, Description = "in-process, per job of 50 concurrent keys")]
    public Task InProcessWave() => Wave(_inProcess);

    [Benchmark(OperationsPerInvoke = Keys, Description = "Orleans, per job of 50 concurrent keys")]
    public Task OrleansWave() => Wave(_orleans);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task Wave(IRegenerationQueue queue)
    {
        for (var k = 0; k < Keys; k++)
        {
            _wave[k] = queue.RegenerateAsync(_requests[k]);
        }

        return Task.WhenAll(_wave);
    }

    private sealed class NoOpAnalyzer : IAudioAnalyzer
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
        {
            var records = new CacheMetadataRecord[request.Descriptors.Count];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = new CacheMetadataRecord(request.Key, request.Descriptors[i], request.Profile.RevisionHash, request.Profile.Parameters, "pcm-sha256:bench", "time", 1, DateTimeOffset.UnixEpoch);
            }

            return ValueTask.FromResult<IReadOnlyList<CacheMetadataRecord>>(records);
        }
    }
}
