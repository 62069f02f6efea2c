using System.Diagnostics;
using System.Net;
using AudioVis.Cache.Orleans.Clustering;
using AudioVis.Cache.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AudioVis.Cache.Cli.Cluster;

/// <summary>What one worker (an Orleans silo that analyses) is given.</summary>
/// <param name="Connection">The cluster's database and id.</param>
/// <param name="CacheRoot">The shared folder of the feature blobs.</param>
/// <param name="AudioRoot">The folder track references are relative to (the same files on every node).</param>
/// <param name="Profiles">The analysis profiles (a scene's, default one included); empty for the library's built-in default profile only.</param>
/// <param name="Address">The address other silos and clients reach this one at; <see langword="null"/> for this host's address.</param>
/// <param name="SiloPort">The silo-to-silo port.</param>
/// <param name="GatewayPort">The port clients connect to.</param>
/// <param name="Parallelism">How many keys this silo analyses at once; <see langword="null"/> for one per core.</param>
internal sealed record WorkerOptions(
    ClusterConnection Connection,
    string CacheRoot,
    string AudioRoot,
    IReadOnlyList<AnalysisProfile> Profiles,
    IPAddress? Address,
    int SiloPort,
    int GatewayPort,
    int? Parallelism)
{
    /// <summary>Orleans' default silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Orleans' default gateway port.</summary>
    public const int DefaultGatewayPort = 30000;
}

/// <summary>
/// The generic hosts of a cluster: a worker (Orleans silo with ADO.NET clustering on PostgreSQL, the real analyzer, the
/// PostgreSQL metadata and history stores and the file feature store on the shared folder) and a client (an Orleans
/// client on the same membership table). Used by <c>worker</c>, <c>regenerate --cluster</c>, the multi-process tests and the benchmark.
/// </summary>
internal static class WorkerHost
{
    /// <summary>Builds a worker; <paramref name="configureServices"/> may replace services (tests wrap the analyzer).</summary>
    public static IHost Build(WorkerOptions options, Action<IServiceCollection>? configureServices = null, Action<ClusterMembershipOptions>? membership = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.Connection.ClusterId;
                o.ServiceId = ClusterConnection.ServiceId;
            });
            // Creates the clustering tables when missing (idempotent, under an advisory lock), then ADO.NET clustering.
            silo.UsePostgreSqlClustering(options.Connection.ConnectionString);
            if (options.Address is { } address)
            {
                silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            }
            else
            {
                silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            }

            if (membership is not null)
            {
                silo.Configure(membership);
            }

            silo.AddAudioVisCacheWorker();
        });
        builder.Services.AddAudioVisCache(o =>
            {
                o.AudioRoot = options.AudioRoot;
                o.FeatureCacheRoot = options.CacheRoot;
                o.IncludeDefaultProfile = options.Profiles.Count == 0;
                foreach (var profile in options.Profiles)
                {
                    o.Profiles.Add(profile);
                }
            })
            .UsePostgreSql(o =>
            {
                o.ConnectionString = options.Connection.ConnectionString;
                // A worker writes records; it runs no diff frames, so it has nothing to invalidate.
                o.ListenForChanges = false;
            })
            .ConfigureRegeneration(o =>
            {
                o.AutoRegenerate = false;
                if (options.Parallelism is { } parallelism)
                {
                    o.MaxDegreeOfParallelism = parallelism;
                }
            })
            // A worker is given explicit requests; it watches no track.
            .ConfigureSourceIdentity(o => o.WatchFiles = false);
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>How long a client keeps trying to reach a worker's gateway before the command fails.</summary>
    internal static readonly TimeSpan ClientConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Starts an Orleans client of the cluster; it fails when no worker's gateway answers. <paramref name="configure"/> may tune it (tests).</summary>
    public static async Task<IHost> StartClientAsync(ClusterConnection connection, CancellationToken cancellationToken, Action<IClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = connection.ClusterId;
                o.ServiceId = ClusterConnection.ServiceId;
            });
            client.UsePostgreSqlClustering(connection.ConnectionString);

            // A command must not wait minutes for a cluster with no worker: Orleans retries the first connection until told to stop.
            var started = Stopwatch.GetTimestamp();
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (Stopwatch.GetElapsedTime(started) > ClientConnectTimeout)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                return true;
            });
            configure?.Invoke(client);
        });
        var host = builder.Build();
        try
        {
            // Orleans' client reads the clustering queries before its lifecycle stages run, so the schema is created here:
            // on a database no worker has used yet the client then reports "no gateway", not a missing table.
            await OrleansPostgreSqlSchema.EnsureCreatedAsync(connection.ConnectionString, cancellationToken).ConfigureAwait(false);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Warnings and errors on standard error (standard output is the command's).</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
