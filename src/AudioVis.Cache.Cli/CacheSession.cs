using AudioVis.Cache.Analysis;
using AudioVis.Cache.Cli.Cluster;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Sqlite;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioVis.Cache.Cli;

/// <summary>
/// The library as a host uses it, for one command: <c>AddAudioVisCache</c> over the scene's folder with the cache
/// folder's SQLite store, the scene's profiles and its elements' intents published, and the first frame diffed after the
/// track source monitor has hashed every track. Disposing it flushes the history and closes the database.
/// </summary>
internal sealed class CacheSession : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHost? _clusterClient;

    private CacheSession(ServiceProvider provider, Scene? scene, string cacheDirectory, AnalysisEtaTracker eta, IHost? clusterClient = null)
    {
        _provider = provider;
        _clusterClient = clusterClient;
        Scene = scene;
        CacheDirectory = cacheDirectory;
        Eta = eta;
    }

    public Scene? Scene { get; }

    public string CacheDirectory { get; }

    public AnalysisEtaTracker Eta { get; }

    public IServiceProvider Services => _provider;

    public IRegenerationQueue Queue => _provider.GetRequiredService<IRegenerationQueue>();

    public IHistoryStore History => _provider.GetRequiredService<IHistoryStore>();

    public ICacheBanner Banner => _provider.GetRequiredService<ICacheBanner>();

    public ICacheMaintenance Maintenance => _provider.GetRequiredService<ICacheMaintenance>();

    public IReadOnlyList<CacheDiff> Diffs => _provider.GetRequiredService<IDiffScheduler>().GetLatestDiffs();

    /// <summary>
    /// Opens the cache of a scene, publishes its intents and runs the first frame. With <c>rebuildUnusableDatabase</c>
    /// (for <c>rebuild</c>), a database that cannot be used (corrupt, not SQLite, newer) is set aside and replaced by a new one.
    /// With a <paramref name="cluster"/>, the records and the history are the cluster's (PostgreSQL) and jobs run on its workers.
    /// </summary>
    public static async Task<CacheSession> OpenAsync(
        CliContext context, Scene scene, string? cacheDirectory, string? exportsDirectory, CancellationToken cancellationToken, bool rebuildUnusableDatabase = false, ClusterConnection? cluster = null)
    {
        var clusterClient = cluster is null ? null : await StartClusterClientAsync(cluster, cancellationToken).ConfigureAwait(false);
        var session = Create(context, scene, cacheDirectory ?? scene.DefaultCacheDirectory, exportsDirectory, rebuildUnusableDatabase, cluster, clusterClient);
        try
        {
            // The banner follows the scheduler's diffs from its creation on: create it before the first frame.
            _ = session.Banner;
            var bus = session._provider.GetRequiredService<IAnalysisIntentBus>();
            foreach (var intent in scene.Intents)
            {
                bus.Publish(intent);
            }

            await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens an existing cache folder without a scene (for reading the history).</summary>
    public static CacheSession OpenExisting(CliContext context, string cacheDirectory)
    {
        if (!File.Exists(Path.Combine(cacheDirectory, SqliteCacheOptions.DefaultFileName)))
        {
            throw new CliInputException($"There is no cache in '{cacheDirectory}' (no {SqliteCacheOptions.DefaultFileName}); run 'audiovis-cache regenerate <scene>' first, or pass --cache-dir.");
        }

        return Create(context, null, cacheDirectory, null, rebuildUnusableDatabase: false);
    }

    /// <summary>Waits for the source monitor, runs a frame, and returns the latest diff of every group.</summary>
    public async Task<IReadOnlyList<CacheDiff>> RefreshAsync(CancellationToken cancellationToken)
    {
        // A render loop never waits for the monitor; a command does, so its diffs know every track's content hash.
        await _provider.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        var scheduler = _provider.GetRequiredService<IDiffScheduler>();
        await scheduler.RunFrameAsync(cancellationToken).ConfigureAwait(false);
        return scheduler.GetLatestDiffs();
    }

    /// <summary>The diagnostics panel with every status shown, sorted by descriptor (the user's saved preferences are for interactive hosts).</summary>
    public ValueTask<DiagnosticsPanelViewModel> GetPanelAsync(CancellationToken cancellationToken) =>
        _provider.GetRequiredService<IDiagnosticsPanel>().GetAsync(DiagnosticsPreferences.Default, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync().ConfigureAwait(false);
        if (_clusterClient is not null)
        {
            await _clusterClient.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _clusterClient.Dispose();
        }
    }

    private static async Task<IHost> StartClusterClientAsync(ClusterConnection cluster, CancellationToken cancellationToken)
    {
        try
        {
            return await WorkerHost.StartClientAsync(cluster, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"--cluster '{ClusterConnection.Mask(cluster.ConnectionString)}': cannot reach a worker of cluster '{cluster.ClusterId}' (is 'audiovis-cache worker' running?): {e.Message.TrimEnd('.')}.", e);
        }
    }

    private static CacheSession Create(
        CliContext context, Scene? scene, string cacheDirectory, string? exportsDirectory, bool rebuildUnusableDatabase, ClusterConnection? cluster = null, IHost? clusterClient = null)
    {
        cacheDirectory = Path.GetFullPath(cacheDirectory);
        Directory.CreateDirectory(cacheDirectory);
        var services = new ServiceCollection();
        services.AddSingleton(context.TimeProvider);
        var builder = services.AddAudioVisCache(o =>
            {
                o.FeatureCacheRoot = cacheDirectory;
                if (scene is not null)
                {
                    o.AudioRoot = scene.Directory;
                    o.ExportsRoot = Path.GetFullPath(exportsDirectory ?? Path.Combine(scene.Directory, "exports"));
                    o.IncludeDefaultProfile = false;
                    foreach (var profile in scene.Profiles)
                    {
                        o.Profiles.Add(profile);
                    }
                }
            })
            .ConfigureRegeneration(o => o.AutoRegenerate = false)
            // One command, one pass: nothing to watch, no periodic checks.
            .ConfigureSourceIdentity(o => o.WatchFiles = false);
        if (cluster is null || clusterClient is null)
        {
            builder.UseSqlite(o => o.RebuildUnusableDatabase = rebuildUnusableDatabase);
        }
        else
        {
            // The cluster's records and history; the workers analyse, so the ETA tracker sees nothing here.
            services.AddSingleton(clusterClient.Services.GetRequiredService<IClusterClient>());
            services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<IClusterClient>());
            builder.UsePostgreSql(o => o.ConnectionString = cluster.ConnectionString).UseOrleansRegenerationQueue();
        }

        var eta = new AnalysisEtaTracker();
        eta.Decorate(services);
        return new CacheSession(services.BuildServiceProvider(), scene, cacheDirectory, eta, clusterClient);
    }
}
