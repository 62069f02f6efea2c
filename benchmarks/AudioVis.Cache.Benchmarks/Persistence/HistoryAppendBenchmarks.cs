using AudioVis.Cache.History;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Persistence;

/// <summary>
/// 100,000 history appends into SQLite with retention 1000 (every append trims in its transaction), in batches of
/// <see cref="BatchSize"/> (the queue's history logger appends what has accumulated, up to 512 at once; SQLite runs with
/// synchronous=FULL, so one fsync per batch).
/// Target: ≥ 20,000 appends/s batched. Yardstick: the same number of rows inserted with plain Microsoft.Data.Sqlite
/// in the same batches (one table, no indexes, no retention): the floor any SQLite-backed store pays.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class HistoryAppendBenchmarks
{
    private const int Appends = 100_000;

    private HistoryEntry[] _entries = null!;
    private (string Id, long Ticks, string Body)[] _rows = null!;
    private ServiceProvider _provider = null!;
    private IHistoryStore _store = null!;
    private PersistenceWorkload.RawSqliteTable _raw = null!;
    private string _databasePath = null!;
    private int _generation;
    private HistoryEntry[][] _batches = [];

    [Params(100, 512)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _entries = PersistenceWorkload.Entries(Appends, PersistenceWorkload.At);
        _rows = [.. _entries.Select(e => (e.Id.ToString("D"), e.Timestamp.UtcTicks, e.ToString()))];
        _databasePath = PersistenceWorkload.NewDatabasePath();
        _provider = PersistenceWorkload.Sqlite(_databasePath, maxEntries: 1000, new ShiftingTime(() => PersistenceWorkload.At.AddDays(_generation)));
        _store = _provider.GetRequiredService<IHistoryStore>();
        _raw = new PersistenceWorkload.RawSqliteTable(Path.Combine(Path.GetDirectoryName(_databasePath)!, "raw.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _raw.Dispose();
        var size = new FileInfo(_databasePath).Length + (File.Exists(_databasePath + "-wal") ? new FileInfo(_databasePath + "-wal").Length : 0);
        Console.WriteLine($"// database after {_generation} × {Appends:N0} appends with retention 1000: {size:N0} bytes (file + WAL)");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Appends, Description = "yardstick: plain SQLite insert, same batches")]
    public void RawSqliteInsert()
    {
        for (var i = 0; i < _rows.Length; i += BatchSize)
        {
            _raw.Insert(_rows.AsSpan(i, Math.Min(BatchSize, _rows.Length - i)));
        }
    }

    /// <summary>Fresh ids and later times for every invocation: appends of a known id are ignored by contract, which would measure nothing.</summary>
    [IterationSetup(Target = nameof(SqliteHistoryAppend))]
    public void NextGeneration()
    {
        _generation++;
        var shift = TimeSpan.FromDays(_generation);
        _batches = [.. _entries.Chunk(BatchSize).Select(chunk => chunk.Select(e => Shift(e, shift)).ToArray())];
    }

    [Benchmark(OperationsPerInvoke = Appends, Description = "IHistoryStore.AppendAsync (SQLite), retention 1000")]
    public async Task SqliteHistoryAppend()
    {
        foreach (var batch in _batches)
        {
            await _store.AppendAsync(batch);
        }
    }

    private static HistoryEntry Shift(HistoryEntry e, TimeSpan shift) => new(
        Guid.CreateVersion7(e.Timestamp + shift), e.Timestamp + shift, e.Key, e.Action, e.DescriptorIds, e.Status, e.DurationMs,
        e.ElementIds, e.Trigger, e.TriggerDetail, e.JobId, e.Attempt, e.ErrorType, e.ErrorMessage);

    /// <summary>A clock that follows the benchmark's generations, so retention by age never removes the entries of the current generation.</summary>
    private sealed class ShiftingTime(Func<DateTimeOffset> now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now().AddDays(1);
    }
}
