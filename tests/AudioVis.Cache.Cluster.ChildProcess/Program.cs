using System.Globalization;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Cli.Cluster;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.PostgreSql;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace AudioVis.Cache.Cluster.ChildProcess;

/// <summary>
/// The other processes of the cluster tests and benchmark. Every command prints <c>READY</c> once it works, reads
/// commands on standard input, and prints <c>FAIL ...</c> and exits 1 on any error. Requests and keys are lines
/// <c>track|descriptor,descriptor</c> (default profile).
/// <list type="bullet">
/// <item><c>silo &lt;connection&gt; &lt;clusterId&gt; &lt;siloPort&gt; &lt;gatewayPort&gt; &lt;cacheRoot&gt; &lt;audioRoot&gt; &lt;analysisLog&gt; &lt;gated&gt; &lt;parallelism&gt; &lt;delayMs&gt;</c>:
/// a worker (the CLI's <see cref="WorkerHost"/>) whose analyzer appends <c>START</c> and <c>DONE</c> lines to the shared log
/// (and waits <c>delayMs</c> after <c>START</c>, standing in for a longer track, so a test can kill it mid-analysis);
/// with <c>gated</c> = true its availability gate is closed until it reads <c>OPEN</c>.</item>
/// <item><c>client &lt;connection&gt; &lt;clusterId&gt; &lt;requestsFile&gt;</c>: submits every request at once (<c>SUBMITTED n</c>), then prints
/// <c>OUTCOME &lt;line&gt; &lt;jobId&gt; &lt;status&gt;</c> per ticket and <c>DONE n</c>; it then submits the file again each time it reads <c>AGAIN</c>.</item>
/// <item><c>watch &lt;connection&gt; &lt;audioRoot&gt; &lt;keysFile&gt;</c>: a host with the keys' intents on the PostgreSQL store; after each change
/// notification it runs a frame and prints <c>CURRENT &lt;track&gt; &lt;unix ms&gt;</c> for each key that became current, then <c>ALLCURRENT</c>.</item>
/// </list>
/// </summary>
internal static class Program
{
    private const int Submitters = 16;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["silo", var connection, var clusterId, var siloPort, var gatewayPort, var cacheRoot, var audioRoot, var log, var gated, var parallelism, var delayMs] =>
                    await RunSiloAsync(
                        new ClusterConnection(connection, clusterId),
                        Port(siloPort),
                        Port(gatewayPort),
                        new SiloHarness(cacheRoot, audioRoot, log, bool.Parse(gated), int.Parse(parallelism, CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(int.Parse(delayMs, CultureInfo.InvariantCulture)))).ConfigureAwait(false),
                ["client", var connection, var clusterId, var requests] => await RunClientAsync(new ClusterConnection(connection, clusterId), requests).ConfigureAwait(false),
                ["watch", var connection, var audioRoot, var keys] => await WatchAsync(connection, audioRoot, keys).ConfigureAwait(false),
                _ => Fail($"unknown command: {string.Join(' ', args)}"),
            };
        }
        catch (Exception ex)
        {
            return Fail(ex.ToString().ReplaceLineEndings(" | "));
        }
    }

    private static int Port(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static int Fail(string message)
    {
        Console.WriteLine($"FAIL {message}");
        return 1;
    }

    /// <summary>Parses a requests or keys file.</summary>
    private static List<RegenerationRequest> ReadRequests(string path) =>
    [
        .. File.ReadAllLines(path).Where(l => l.Length > 0).Select(line =>
        {
            var parts = line.Split('|');
            return new RegenerationRequest(new CacheKey(parts[0], AnalysisProfile.DefaultId), [.. parts[1].Split(',').Select(DescriptorId.Parse)], RegenerationReason.Manual);
        }),
    ];

    /// <summary>Membership tuned for tests: a killed silo is declared dead after two missed 1 s probes.</summary>
    private static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    }

    private static async Task<int> RunSiloAsync(ClusterConnection connection, int siloPort, int gatewayPort, SiloHarness harness)
    {
        var options = new WorkerOptions(connection, harness.CacheRoot, harness.AudioRoot, [], System.Net.IPAddress.Loopback, siloPort, gatewayPort, harness.Parallelism);
        using var host = WorkerHost.Build(options, services => AnalysisLog.Decorate(services, harness.Log, harness.Delay), FastFailureDetection);
        var availability = host.Services.GetRequiredService<IAnalysisAvailability>();
        availability.SetAvailable(!harness.Gated);
        await host.StartAsync().ConfigureAwait(false);
        Console.WriteLine("READY");
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == "OPEN")
            {
                availability.SetAvailable(true);
                Console.WriteLine("OPENED");
            }
            else if (line == "STOP")
            {
                break;
            }
        }

        await host.StopAsync().ConfigureAwait(false);
        Console.WriteLine("STOPPED");
        return 0;
    }

    private static async Task<int> RunClientAsync(ClusterConnection connection, string requestsFile)
    {
        var requests = ReadRequests(requestsFile);
        // Tests kill silos: the client re-reads the gateway list every second (not every minute) so it stops dialling a dead one.
        using var client = await WorkerHost.StartClientAsync(connection, CancellationToken.None, c => c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        var services = new ServiceCollection();
        services.AddSingleton(client.Services.GetRequiredService<IGrainFactory>());
        services.AddAudioVisCache().UseOrleansRegenerationQueue(o =>
        {
            // Re-sends for up to about a minute: failover takes a few seconds per kill, and a test kills ten times.
            o.InitialRetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
            o.MaxCallAttempts = 120;
        });
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var queue = provider.GetRequiredService<IRegenerationQueue>();
            Console.WriteLine("READY");
            do
            {
                // Enqueue blocks until the key's grain has the request: submit from dedicated threads (not the pool the Orleans
                // client completes its calls on), as many concurrent requesters would.
                var tickets = new RegenerationTicket[requests.Count];
                var next = -1;
                var submitters = Enumerable.Range(0, Submitters).Select(_ => Task.Factory.StartNew(
                    () =>
                    {
                        for (var i = Interlocked.Increment(ref next); i < tickets.Length; i = Interlocked.Increment(ref next))
                        {
                            tickets[i] = queue.Enqueue(requests[i]);
                        }
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default));
                await Task.WhenAll(submitters).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUBMITTED {tickets.Length}"));
                var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).ConfigureAwait(false);
                for (var i = 0; i < outcomes.Length; i++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OUTCOME {i} {outcomes[i].JobId} {outcomes[i].Status} {outcomes[i].Error?.Message.ReplaceLineEndings(" ")}"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {outcomes.Length}"));
            }
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) == "AGAIN");
        }

        return 0;
    }

    private static async Task<int> WatchAsync(string connectionString, string audioRoot, string keysFile)
    {
        var keys = ReadRequests(keysFile);
        var services = new ServiceCollection();
        services.AddAudioVisCache(o => o.AudioRoot = audioRoot)
            .UsePostgreSql(o => o.ConnectionString = connectionString)
            .ConfigureRegeneration(o => o.AutoRegenerate = false)
            .ConfigureSourceIdentity(o => o.WatchFiles = false);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var time = provider.GetRequiredService<TimeProvider>();
            var bus = provider.GetRequiredService<IAnalysisIntentBus>();
            foreach (var key in keys)
            {
                bus.Publish(AnalysisIntent.Create($"element-{key.Key.TrackRef}", key.Key.TrackRef, key.Key.AnalysisProfileId, [.. key.Descriptors.Select(d => d.ToString())], time.GetUtcNow()));
            }

            using var changed = new SemaphoreSlim(0);
            var feed = provider.GetRequiredService<IPostgreSqlCacheChangeFeed>();
            feed.Changed += (_, _) => changed.Release();
            var scheduler = provider.GetRequiredService<IDiffScheduler>();
            await feed.WaitUntilListeningAsync().ConfigureAwait(false);
            var monitor = provider.GetRequiredService<ITrackSourceMonitor>();
            await monitor.WhenIdleAsync().ConfigureAwait(false);
            var current = new HashSet<string>(StringComparer.Ordinal);
            await ReportCurrentAsync(scheduler, current, time).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY {keys.Count - current.Count}"));
            while (current.Count < keys.Count)
            {
                // No polling: a frame runs only after a notification, and it diffs only the keys the notifications invalidated.
                await changed.WaitAsync().ConfigureAwait(false);
                while (changed.Wait(0))
                {
                }

                await ReportCurrentAsync(scheduler, current, time).ConfigureAwait(false);
            }

            Console.WriteLine("ALLCURRENT");
            await Console.In.ReadLineAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task ReportCurrentAsync(IDiffScheduler scheduler, HashSet<string> current, TimeProvider time)
    {
        await scheduler.RunFrameAsync().ConfigureAwait(false);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var diff in scheduler.GetLatestDiffs())
        {
            if (diff.Missing.Count == 0 && diff.Stale.Count == 0 && current.Add(diff.TrackRef))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CURRENT {diff.TrackRef} {now}"));
            }
        }
    }
}

/// <summary>What a test silo is given besides its cluster and ports.</summary>
internal sealed record SiloHarness(string CacheRoot, string AudioRoot, string Log, bool Gated, int Parallelism, TimeSpan Delay);
