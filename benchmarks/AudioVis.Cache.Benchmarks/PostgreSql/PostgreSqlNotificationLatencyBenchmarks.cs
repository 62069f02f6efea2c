using AudioVis.Cache.Benchmarks.Persistence;
using AudioVis.Cache.PostgreSql;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AudioVis.Cache.Benchmarks.PostgreSql;

/// <summary>
/// Notification latency: node A upserts one record (commit + NOTIFY), node B's listener (its own connection, waiting in
/// <c>WaitAsync</c>) receives the key. Each iteration is one single write → observe round trip (invocation count 1), so
/// the P50 and P99 columns are percentiles of single round trips. Target: ≤ 100 ms at p99. The yardstick is the same
/// upsert without waiting for the notification.
/// </summary>
[Config(typeof(Config))]
public class PostgreSqlNotificationLatencyBenchmarks
{
    private readonly CacheKey _key = new("tracks/latency.wav", "default");
    private PostgreSqlBenchmarkServer _server = null!;
    private PostgreSqlCacheMetadataStore _nodeA = null!;
    private PostgreSqlCacheDatabase _nodeB = null!;
    private PostgreSqlChangeListener _listenerB = null!;
    private CacheMetadataRecord[][] _versions = null!;
    private TaskCompletionSource _observed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await PostgreSqlBenchmarkServer.StartAsync();
        _nodeA = new PostgreSqlCacheMetadataStore(_server.Node(), ownsDatabase: true);
        _nodeB = _server.Node();
        _listenerB = new PostgreSqlChangeListener(_nodeB, PostgreSqlCacheOptions.DefaultListenerReconnectMaxDelay, TimeProvider.System);
        _listenerB.Changed += (_, e) =>
        {
            if (e.Key == _key)
            {
                Volatile.Read(ref _observed).TrySetResult();
            }
        };
        await _listenerB.WaitUntilListeningAsync();
        _versions = [[PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At)[0]], [PersistenceWorkload.FullAnalysisRecords(_key, PersistenceWorkload.At.AddHours(1))[0]]];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _listenerB.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "yardstick: upsert of 1 record on node A (commit + NOTIFY)")]
    public ValueTask UpsertOnly() => _nodeA.UpsertAsync(_key, _versions[_next++ & 1]);

    [Benchmark(Description = "upsert on node A → key observed by node B's listener")]
    public async Task WriteOnAObservedOnB()
    {
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _observed, observed);
        await _nodeA.UpsertAsync(_key, _versions[_next++ & 1]);
        await observed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// One round trip per iteration, 300 iterations: the percentiles are those of single round trips. In process: the
    /// server is started by the benchmark itself, and building a separate benchmark executable timed out on this
    /// shared 2-core machine.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(300).WithInvocationCount(1).WithUnrollFactor(1).WithId("single-round-trips")
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, new P99Column());
        }
    }

    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "Percentile 99";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            return statistics is null ? "-" : (statistics.Percentiles.Percentile(99) / 1e6).ToString("0.000 'ms'", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
