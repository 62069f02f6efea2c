using System.Globalization;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Cli;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Cluster.Tests.Cli;

/// <summary>The CLI's cluster side: <c>worker</c> and <c>regenerate --cluster</c>, their option errors, and one run end to end.</summary>
[TestFixture]
[NonParallelizable]
public sealed class WorkerCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Worker_WithoutPostgres_IsAUsageErrorNamingTheOption()
    {
        var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, "worker", "--cache-root", Path.GetTempPath());
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
            Assert.That(result.Error, Does.Contain("--postgres <CONNECTION> is required"), result.ToString());
        });
    }

    [TestCase("not a connection string", "not a PostgreSQL connection string")]
    [TestCase("Hots=db;Database=x", "not a PostgreSQL connection string")]
    [TestCase("Database=audiovis;Password=secret", "names no Host")]
    [TestCase("Host=db;Username=render", "names no Database")]
    public async Task Worker_BadConnectionString_IsAUsageErrorNamingOptionAndValue(string connection, string problem)
    {
        var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, "worker", "--postgres", connection);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
            Assert.That(result.Error, Does.StartWith($"error: --postgres '{ClusterConnectionMask(connection)}': "), result.ToString());
            Assert.That(result.Error, Does.Contain(problem), result.ToString());
            Assert.That(result.Error, Does.Not.Contain("secret"), "the password is not printed");
        });
    }

    [TestCase("--port", "0", "--port 0: a TCP port is 1-65535.")]
    [TestCase("--gateway-port", "70000", "--gateway-port 70000: a TCP port is 1-65535.")]
    [TestCase("--cluster-id", "bad id!", "--cluster-id 'bad id!': use 1-64 letters, digits, '.', '_' or '-'.")]
    [TestCase("--address", "db.local", "--address 'db.local': not an IP address.")]
    public async Task Worker_BadOption_IsAUsageErrorNamingIt(string option, string value, string message)
    {
        var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, "worker", "--postgres", "Host=127.0.0.1;Database=x", option, value);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
            Assert.That(result.Error, Does.Contain(message), result.ToString());
        });
    }

    [Test]
    public async Task RegenerateCluster_BadConnectionString_IsAUsageErrorNamingTheOption()
    {
        using var scene = new CliTestScene();
        var result = await scene.RunAsync("regenerate", "{scene}", "--all", "--cluster", "Host=db");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
            Assert.That(result.Error, Does.Contain("--cluster 'Host=db': the connection string names no Database."), result.ToString());
        });
    }

    [Test]
    public async Task RegenerateCluster_NoWorkerRunning_FailsNamingTheCluster()
    {
        using var scene = new CliTestScene();
        var connection = await ClusterServer.Server.CreateDatabaseAsync("noworker");
        var result = await scene.RunAsync("regenerate", "{scene}", "--all", "--cluster", connection, "--cluster-id", "nobody");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failure), result.ToString());
            Assert.That(result.Error, Does.Contain("cannot reach a worker of cluster 'nobody'"), result.ToString());
            Assert.That(result.Error, Does.Not.Contain("orleansquery"), "a database no worker has used yet: the client creates the clustering schema");
        });
    }

    [Test]
    public async Task WorkerProcess_RegenerateCluster_RecordsAreCurrentInPostgreSql_AndSigtermStopsTheWorker()
    {
        using var scene = new CliTestScene();
        var connection = await ClusterServer.Server.CreateDatabaseAsync("cli");
        var clusterId = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var cacheRoot = Path.Combine(scene.Root, "shared-cache");
        await using var worker = ChildProcess.StartCli(
            "worker",
            "worker",
            "--postgres",
            connection,
            "--scene",
            scene.ScenePath,
            "--cache-root",
            cacheRoot,
            "--cluster-id",
            clusterId,
            "--address",
            "127.0.0.1",
            "--port",
            TestCluster.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port",
            TestCluster.FreePort().ToString(CultureInfo.InvariantCulture));
        var ready = await worker.WaitForLineAsync("worker ready", Patience);

        var result = await scene.RunAsync("regenerate", "{scene}", "--all", "--cluster", connection, "--cluster-id", clusterId);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());

        // Another node's view: the scene's intents over the PostgreSQL records are all current.
        var diffs = await DiffSceneOnPostgreSqlAsync(scene.ScenePath, cacheRoot, connection);
        var exitCode = await worker.TerminateAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(ready, Does.Contain($"cluster '{clusterId}'"));
            Assert.That(result.Output, Does.Contain("Succeeded"));
            Assert.That(diffs, Has.Count.EqualTo(3), "three {track, profile} groups");
            Assert.That(diffs.SelectMany(d => d.Missing.Concat(d.Stale).Select(x => $"{d.Key} {x}")), Is.Empty, "every descriptor is current");
            Assert.That(diffs.Sum(d => d.DescriptorsRequested.Count), Is.EqualTo(7));
            Assert.That(Directory.EnumerateFiles(cacheRoot, "*", SearchOption.AllDirectories).Count(), Is.GreaterThanOrEqualTo(7), "the worker wrote the blobs into the shared folder");
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), "SIGTERM stops the worker gracefully");
            Assert.That(worker.Lines, Does.Contain("worker stopped"));
        });
    }

    private static async Task<IReadOnlyList<CacheDiff>> DiffSceneOnPostgreSqlAsync(string scenePath, string cacheRoot, string connection)
    {
        var scene = SceneLoader.Load(scenePath, DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
            {
                o.AudioRoot = scene.Directory;
                o.FeatureCacheRoot = cacheRoot;
                o.IncludeDefaultProfile = false;
                foreach (var profile in scene.Profiles)
                {
                    o.Profiles.Add(profile);
                }
            })
            .UsePostgreSql(o =>
            {
                o.ConnectionString = connection;
                o.ListenForChanges = false;
            })
            .ConfigureSourceIdentity(o => o.WatchFiles = false);
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        foreach (var intent in scene.Intents)
        {
            bus.Publish(intent);
        }

        await provider.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
        var scheduler = provider.GetRequiredService<IDiffScheduler>();
        await scheduler.RunFrameAsync();
        return scheduler.GetLatestDiffs();
    }

    private static string ClusterConnectionMask(string connection) => AudioVis.Cache.Cli.Cluster.ClusterConnection.Mask(connection);
}
