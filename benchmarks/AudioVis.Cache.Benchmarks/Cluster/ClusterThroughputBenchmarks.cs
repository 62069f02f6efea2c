using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.TestServers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using IHost = Microsoft.Extensions.Hosting.IHost;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AudioVis.Cache.Benchmarks.Cluster;

/// <summary>
/// Cluster throughput in jobs per second: the same job set (200 keys, four descriptors each, 1-2 s tracks, real analyzer,
/// blobs in one shared folder, records and history in PostgreSQL) regenerated through an Orleans client on 1, 2 and 3
/// silo processes (each the cluster tests' silo helper: the CLI's worker host), and by the in-process queue of this process
/// with the same analyzer and stores as the yardstick. The benchmark starts its own PostgreSQL and silo processes; one
/// operation is one job (<c>Op/s</c> is jobs per second).
/// </summary>
[Config(typeof(Config))]
public class ClusterThroughputBenchmarks
{
    private const int Jobs = 200;
    private static readonly string[] Descriptors = ["rms@mid", "spectrum.bands32@L", "onset.strength", "zcr"];
    private readonly List<Process> _silos = [];
    private PostgreSqlTestServer _server = null!;
    private string _root = null!;
    private RegenerationRequest[] _requests = null!;
    private IHost? _client;
    private ServiceProvider _services = null!;
    private IRegenerationQueue _queue = null!;

    /// <summary>Gets or sets where the jobs run: <c>in-process</c>, or the number of silo processes.</summary>
    [Params("in-process", "1 silo", "2 silos", "3 silos")]
    public string Mode { get; set; } = "in-process";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await PostgreSqlTestServer.StartAsync();
        var connection = await _server.CreateDatabaseAsync("throughput");
        _root = Directory.CreateTempSubdirectory("avcache-throughput-").FullName;
        var audio = Directory.CreateDirectory(Path.Combine(_root, "audio")).FullName;
        var cache = Directory.CreateDirectory(Path.Combine(_root, "cache")).FullName;
        var log = Path.Combine(_root, "analyses.log");
        var descriptors = Descriptors.Select(DescriptorId.Parse).ToArray();
        _requests = [.. TestTones.Write(audio, Jobs).Select(t => new RegenerationRequest(new CacheKey(t, AnalysisProfile.DefaultId), descriptors, RegenerationReason.Manual))];

        var services = new ServiceCollection();
        var builder = services.AddAudioVisCache(o =>
            {
                o.AudioRoot = audio;
                o.FeatureCacheRoot = cache;
            })
            .UsePostgreSql(o =>
            {
                o.ConnectionString = connection;
                o.ListenForChanges = false;
            })
            .ConfigureRegeneration(o => o.AutoRegenerate = false)
            .ConfigureSourceIdentity(o => o.WatchFiles = false);
        if (Mode != "in-process")
        {
            var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
            var count = int.Parse(Mode.AsSpan(0, 1), CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                _silos.Add(StartSilo(connection, clusterId, cache, audio, log));
            }

            foreach (var silo in _silos)
            {
                await WaitForReadyAsync(silo);
            }

            var client = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            client.Logging.SetMinimumLevel(LogLevel.Warning);
            client.UseOrleansClient(c => c.UsePostgreSqlClustering(connection).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "audiovis-cache")));
            _client = client.Build();
            await _client.StartAsync();
            services.AddSingleton(_client.Services.GetRequiredService<IGrainFactory>());
            builder.UseOrleansRegenerationQueue();
        }

        _services = services.BuildServiceProvider();
        _queue = _services.GetRequiredService<IRegenerationQueue>();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            silo.Kill();
            await silo.WaitForExitAsync();
            silo.Dispose();
        }

        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Regenerates the job set: every key's four descriptors, analysed again (explicit requests always analyse).</summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public async Task RegenerateJobSet()
    {
        var outcomes = await Task.WhenAll(_requests.Select(r => _queue.RegenerateAsync(r)));
        if (outcomes.FirstOrDefault(o => !o.Succeeded) is { } failed)
        {
            throw new InvalidOperationException($"job {failed.JobId} of {failed.Key}: {failed.Status} {failed.Error?.Message}");
        }
    }

    private static Process StartSilo(string connection, string clusterId, string cache, string audio, string log)
    {
        var path = typeof(ClusterThroughputBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClusterChildProcessPath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { path, "silo", connection, clusterId, FreePort(), FreePort(), cache, audio, log, "false", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), "0" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task WaitForReadyAsync(Process silo)
    {
        while (await silo.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "READY")
            {
                // Keep reading (the helper prints a line per analysis), so the pipe never fills.
                _ = Task.Run(async () =>
                {
                    while (await silo.StandardOutput.ReadLineAsync() is not null)
                    {
                    }
                });
                return;
            }
        }

        throw new InvalidOperationException("a silo process ended before it was ready");
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Each iteration regenerates the whole job set once; six warm-up sets let the silo processes JIT. In-process toolchain: the silos are separate processes anyway,
            // and the out-of-process build of this project exceeds BenchmarkDotNet's 2-minute build timeout on the shared machine.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }
}
