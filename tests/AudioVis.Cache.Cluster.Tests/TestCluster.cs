using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.TestServers;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AudioVis.Cache.Cluster.Tests;

/// <summary>
/// One cluster of a test, all on loopback: a fresh database on the assembly's PostgreSQL server, a cluster id, a temporary
/// folder with generated tracks (shared by every process, as a network share would be), the shared blob folder, the shared
/// analysis log, and the silo, client and watcher processes the test starts (killed on dispose).
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly string[] Descriptors = ["rms@mid", "spectrum.bands32@L", "onset.strength", "zcr"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<ChildProcess> _processes = [];
    private int _silos;
    private int _clients;

    private TestCluster(string connectionString, string root, int tracks)
    {
        ConnectionString = connectionString;
        ClusterId = "c" + Guid.NewGuid().ToString("N")[..12];
        Root = root;
        AudioRoot = Directory.CreateDirectory(Path.Combine(root, "audio")).FullName;
        CacheRoot = Directory.CreateDirectory(Path.Combine(root, "cache")).FullName;
        AnalysisLog = Path.Combine(root, "analyses.log");
        File.WriteAllText(AnalysisLog, string.Empty);
        // 1-2 s each: analysis is quick but real.
        Tracks = TestTones.Write(AudioRoot, tracks);
    }

    public string ConnectionString { get; }

    public string ClusterId { get; }

    public string Root { get; }

    public string AudioRoot { get; }

    public string CacheRoot { get; }

    public string AnalysisLog { get; }

    public IReadOnlyList<string> Tracks { get; }

    public static async Task<TestCluster> CreateAsync(string name, int tracks)
    {
        var connectionString = await ClusterServer.Server.CreateDatabaseAsync(name);
        return new TestCluster(connectionString, Directory.CreateTempSubdirectory($"avcache-{name}-").FullName, tracks);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A request line of the helper: <c>track|descriptor,descriptor</c>.</summary>
    public static string RequestLine(string track, IEnumerable<string> descriptors) => $"{track}|{string.Join(',', descriptors)}";

    /// <summary>Starts a silo process (not waiting for it to be ready).</summary>
    public ChildProcess StartSilo(bool gated = false, int analysisDelayMs = 0, int parallelism = 2)
    {
        var silo = ChildProcess.StartHelper(
            $"silo-{++_silos}",
            "silo",
            ConnectionString,
            ClusterId,
            FreePort().ToString(CultureInfo.InvariantCulture),
            FreePort().ToString(CultureInfo.InvariantCulture),
            CacheRoot,
            AudioRoot,
            AnalysisLog,
            gated.ToString(),
            parallelism.ToString(CultureInfo.InvariantCulture),
            analysisDelayMs.ToString(CultureInfo.InvariantCulture));
        _processes.Add(silo);
        return silo;
    }

    public async Task<ChildProcess[]> StartSilosAsync(int count, bool gated = false, int analysisDelayMs = 0)
    {
        var silos = Enumerable.Range(0, count).Select(_ => StartSilo(gated, analysisDelayMs)).ToArray();
        await Task.WhenAll(silos.Select(s => s.WaitForLineAsync("READY", StartTimeout)));
        return silos;
    }

    /// <summary>Starts a client process with its request lines and waits until it is connected.</summary>
    public async Task<ChildProcess> StartClientAsync(IReadOnlyList<string> requests)
    {
        var file = Path.Combine(Root, $"requests-{++_clients}.txt");
        await File.WriteAllLinesAsync(file, requests);
        var client = ChildProcess.StartHelper($"client-{_clients}", "client", ConnectionString, ClusterId, file);
        _processes.Add(client);
        return client;
    }

    /// <summary>Starts the watching host with intents for <paramref name="keys"/> and waits until it listens.</summary>
    public async Task<ChildProcess> StartWatchAsync(IReadOnlyList<string> keys)
    {
        var file = Path.Combine(Root, "keys.txt");
        await File.WriteAllLinesAsync(file, keys);
        var watch = ChildProcess.StartHelper("watch", "watch", ConnectionString, AudioRoot, file);
        _processes.Add(watch);
        await watch.WaitForLineAsync("READY", StartTimeout);
        return watch;
    }

    /// <summary>The lines of the shared analysis log: (what, pid, track, descriptors, unix ms).</summary>
    public IReadOnlyList<(string What, int Pid, string Track, string[] Descriptors, long At)> ReadAnalysisLog() =>
    [
        .. File.ReadAllLines(AnalysisLog).Select(line =>
        {
            var parts = line.Split(' ');
            Assert.That(parts, Has.Length.EqualTo(5), $"a torn analysis log line: '{line}'");
            return (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2], parts[3].Split(','), long.Parse(parts[4], CultureInfo.InvariantCulture));
        }),
    ];

    /// <summary>The client's outcome lines: (request index, job id, status and error).</summary>
    public static List<(int Index, long JobId, string Status)> Outcomes(ChildProcess client, int round = 0)
    {
        var lines = client.Lines;
        var start = 0;
        for (var r = 0; r < round; r++)
        {
            start = lines.ToList().FindIndex(start, l => l.StartsWith("DONE", StringComparison.Ordinal)) + 1;
        }

        var end = lines.ToList().FindIndex(start, l => l.StartsWith("DONE", StringComparison.Ordinal));
        return
        [
            .. lines.Skip(start).Take(end - start).Where(l => l.StartsWith("OUTCOME ", StringComparison.Ordinal)).Select(l =>
            {
                var parts = l.Split(' ', 5);
                return (int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), parts.Length > 4 && parts[4].Length > 0 ? $"{parts[3]}: {parts[4]}" : parts[3]);
            }),
        ];
    }

    /// <summary>History entries per job id, from the shared database.</summary>
    public async Task<Dictionary<long, int>> HistoryEntriesPerJobAsync()
    {
        var result = new Dictionary<long, int>();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT job_id, count(*) FROM audiovis_cache.history_entries WHERE job_id IS NOT NULL GROUP BY job_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetInt64(0)] = (int)reader.GetInt64(1);
        }

        return result;
    }

    /// <summary>
    /// Opens the shared cache as another node would (PostgreSQL records, the shared blob folder) and checks every record:
    /// its blob reads whole with verified checksums and agrees with the record; a scan finds no corrupt blob.
    /// </summary>
    /// <returns>The {track, descriptor} pairs with a record.</returns>
    public async Task<HashSet<(string Track, string Descriptor)>> VerifyRecordsAndBlobsAsync()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = AudioRoot;
            o.FeatureCacheRoot = CacheRoot;
        }).UsePostgreSql(o =>
        {
            o.ConnectionString = ConnectionString;
            o.ListenForChanges = false;
        });
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ICacheMetadataStore>();
        var features = provider.GetRequiredService<IFeatureStore>();
        var found = new HashSet<(string, string)>();
        foreach (var track in Tracks)
        {
            var key = new CacheKey(track, AnalysisProfile.DefaultId);
            foreach (var record in await store.GetRecordsAsync(key))
            {
                var blob = await features.ReadAsync(key, record.Descriptor);
                Assert.That(blob, Is.Not.Null, $"the record of {track} {record.Descriptor} points at no blob");
                Assert.That(
                    (blob!.Header.ProfileRevisionHash, blob.Header.SourceContentHash, blob.Header.CalculatorId),
                    Is.EqualTo((record.ProfileRevisionHash, record.SourceContentHash, record.CalculatorId)),
                    $"the blob of {track} {record.Descriptor} disagrees with its record (a torn record)");
                found.Add((track, record.Descriptor.ToString()));
            }
        }

        await foreach (var entry in features.ScanAsync())
        {
            Assert.That(entry.IsCorrupt, Is.False, $"a torn blob: {entry}");
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: a file still open for a moment is left behind.
        }
    }

    /// <summary>Descriptor ids as the library prints them.</summary>
    public static string Canonical(string descriptor) => DescriptorId.Parse(descriptor).ToString();
}
