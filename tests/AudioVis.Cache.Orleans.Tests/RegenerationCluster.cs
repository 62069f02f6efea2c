using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>
/// An in-process Orleans cluster whose silos are AudioVis.Cache workers over one shared fake analyzer, one shared
/// metadata store and one shared "blob folder" (as silos sharing PostgreSQL and a file share would), with membership
/// tuned so a killed silo is declared dead within a few seconds.
/// </summary>
internal sealed class RegenerationCluster : IAsyncDisposable
{
    public static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }, "HighRes FFT");

    private readonly InProcessTestCluster _cluster;
    private readonly List<OrleansRegenerationQueue> _queues = [];

    private RegenerationCluster(InProcessTestCluster cluster) => _cluster = cluster;

    public InMemoryCacheMetadataStore Store { get; } = new();

    public FakeAnalyzer Analyzer { get; private set; } = null!;

    /// <summary>Committed blobs by {key, descriptor}: written once an analysis has succeeded, all of a job's blobs at once.</summary>
    public ConcurrentDictionary<(CacheKey Key, DescriptorId Descriptor), byte[]> Blobs { get; } = new();

    /// <summary>How many times each {key, descriptor} was committed.</summary>
    public ConcurrentDictionary<(CacheKey Key, DescriptorId Descriptor), int> Commits { get; } = new();

    /// <summary>Names of silos the test killed: their (in-process, still running) analyses must not commit.</summary>
    public ConcurrentDictionary<string, bool> Killed { get; } = new();

    /// <summary>Which silo ran each analysis call, in call order.</summary>
    public ConcurrentQueue<(CacheKey Key, string Silo)> CallSilos { get; } = new();

    public IReadOnlyList<InProcessSiloHandle> Silos => _cluster.Silos;

    public static async Task<RegenerationCluster> StartAsync(short silos = 2, Action<RegenerationOptions>? regeneration = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        RegenerationCluster? result = null;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
            silo.Services.AddLogging(b => b.AddProvider(new ProgressLoggerProvider(siloOptions.SiloName)));
            silo.Services.AddAudioVisCache(o => o.Profiles.Add(HiRes)).ConfigureRegeneration(o =>
            {
                o.MaxDegreeOfParallelism = 4;
                o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
                regeneration?.Invoke(o);
            });
            silo.Services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore>(_ => result!.Store));
            silo.Services.Replace(ServiceDescriptor.Singleton<IAudioAnalyzer>(_ => new CommittingAnalyzer(result!, siloOptions.SiloName)));
            silo.AddAudioVisCacheWorker(o => o.RefreshPeriod = TimeSpan.FromMilliseconds(500));
        });
        var cluster = builder.Build();
        result = new RegenerationCluster(cluster);
        result.Analyzer = new FakeAnalyzer(result.Store);
        await cluster.DeployAsync();
        return result;
    }

    /// <summary>Membership tuned for tests: a silo that stops answering is declared dead after two missed 1 s probes.</summary>
    public static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    }

    public static byte[] ExpectedBytes(CacheKey key, DescriptorId descriptor) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{key.TrackRef}|{key.AnalysisProfileId}|{descriptor}"));

    /// <summary>A client queue on the cluster's external client (<paramref name="viaSilo"/> null) or co-hosted in a silo.</summary>
    public OrleansRegenerationQueue CreateQueue(InProcessSiloHandle? viaSilo = null)
    {
        var grains = viaSilo is null ? (IGrainFactory)_cluster.Client : _cluster.GetSiloServiceProvider(viaSilo.SiloAddress).GetRequiredService<IGrainFactory>();
        var profiles = new AnalysisProfileRegistry([AnalysisProfile.Default, HiRes], NullLogger<AnalysisProfileRegistry>.Instance);
        var queue = new OrleansRegenerationQueue(
            grains,
            profiles,
            Options.Create(new AudioVisCacheOrleansOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500), RefreshPeriod = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(500), CallTimeout = TimeSpan.FromSeconds(1) }),
            TimeProvider.System,
            new LoggerFactory([new ProgressLoggerProvider(viaSilo?.Name ?? "client")]).CreateLogger<OrleansRegenerationQueue>());
        _queues.Add(queue);
        return queue;
    }

    public T SiloService<T>(InProcessSiloHandle silo)
        where T : notnull => _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>();

    public Task KillSiloAsync(InProcessSiloHandle silo)
    {
        Killed[silo.Name] = true;
        return _cluster.KillSiloAsync(silo);
    }

    public static RegenerationRequest Request(string track, params string[] descriptors) =>
        new(new CacheKey(track, AnalysisProfile.DefaultId), [.. descriptors.Select(DescriptorId.Parse)], RegenerationReason.Manual);

    public async ValueTask DisposeAsync()
    {
        Analyzer.Release();
        foreach (var queue in _queues)
        {
            await queue.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    /// <summary>A silo's analyzer: the shared fake analysis, then an all-or-nothing commit of deterministic blobs (never from a killed silo).</summary>
    private sealed class CommittingAnalyzer(RegenerationCluster cluster, string silo) : IAudioAnalyzer
    {
        public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
        {
            cluster.CallSilos.Enqueue((request.Key, silo));
            var records = await cluster.Analyzer.AnalyzeAsync(request, progress, cancellationToken);
            if (cluster.Killed.ContainsKey(silo))
            {
                throw new OperationCanceledException($"Silo {silo} was killed: a dead process commits nothing.");
            }

            foreach (var descriptor in request.Descriptors)
            {
                cluster.Blobs[(request.Key, descriptor)] = ExpectedBytes(request.Key, descriptor);
                cluster.Commits.AddOrUpdate((request.Key, descriptor), 1, (_, n) => n + 1);
            }

            return records;
        }
    }
}
