using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>A regeneration queue over a fake analyzer, a fake clock, an in-memory store and a fake logger.</summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    public static readonly AnalysisProfile HiRes = TestServices.HiRes;

    private readonly IDisposable _recording;

    /// <param name="configure">Adjusts the queue's options.</param>
    /// <param name="history">The history store (default: in memory over the fake clock).</param>
    /// <param name="queueTime">The queue's clock (default: <see cref="Time"/>); <see cref="TimeProvider.System"/> where a test needs the dispose timeout to elapse on its own.</param>
    /// <param name="metrics">The queue's telemetry (default: off).</param>
    public QueueHarness(Action<RegenerationOptions>? configure = null, IHistoryStore? history = null, TimeProvider? queueTime = null, AudioVis.Cache.Telemetry.AudioVisCacheMetrics? metrics = null)
    {
        History = history ?? new InMemoryHistoryStore(new HistoryRetentionOptions(), Time);
        var options = new RegenerationOptions { MaxDegreeOfParallelism = 4 };
        configure?.Invoke(options);
        Options = options;
        Profiles = new AnalysisProfileRegistry([AnalysisProfile.Default, HiRes], new FakeLogger<AnalysisProfileRegistry>(Logs));
        Availability = new AnalysisAvailability(new FakeLogger<AnalysisAvailability>(Logs));
        Exports = new ExportCoordinator(new FakeLogger<ExportCoordinator>(Logs));
        Analyzer = new FakeAnalyzer(Store, Time);
        Queue = new RegenerationQueue(Analyzer, Profiles, Availability, Exports, Microsoft.Extensions.Options.Options.Create(options), queueTime ?? Time, new FakeLogger<RegenerationQueue>(Logs), metrics, History);
        _recording = Queue.Subscribe(Events.Add);
    }

    public RegenerationOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero));

    public FakeLogCollector Logs { get; } = new();

    public InMemoryCacheMetadataStore Store { get; } = new();

    public IHistoryStore History { get; }

    /// <summary>Every history entry, newest first, once the queue's history logger has appended what it recorded.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync()
    {
        await Queue.FlushHistoryAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (await History.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize })).Entries;
    }

    public AnalysisProfileRegistry Profiles { get; }

    public AnalysisAvailability Availability { get; }

    public ExportCoordinator Exports { get; }

    public FakeAnalyzer Analyzer { get; }

    public RegenerationQueue Queue { get; }

    public StatusRecorder Events { get; } = new();

    public static CacheKey Key(string track, string profile = AnalysisProfile.DefaultId) => new(track, profile);

    public static RegenerationRequest Request(CacheKey key, params string[] descriptors) =>
        new(key, [.. descriptors.Select(DescriptorId.Parse)], RegenerationReason.Manual);

    public static RegenerationRequest Request(string track, params string[] descriptors) => Request(Key(track), descriptors);

    public async ValueTask DisposeAsync()
    {
        // Safety net: the fake clock is advanced past the dispose timeout if a test left a non-cooperating analyzer.
        var dispose = Queue.DisposeAsync().AsTask();
        if (!dispose.IsCompleted)
        {
            Analyzer.Release();
            Time.Advance(Options.DisposeTimeout);
        }

        await dispose.WaitAsync(TimeSpan.FromSeconds(20));
        _recording.Dispose();
    }
}

/// <summary>Records status events and lets tests await a condition over them.</summary>
internal sealed class StatusRecorder
{
    private readonly Lock _gate = new();
    private readonly List<RegenerationStatusChanged> _events = [];
    private readonly List<(Func<IReadOnlyList<RegenerationStatusChanged>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    public IReadOnlyList<RegenerationStatusChanged> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    public void Add(RegenerationStatusChanged change)
    {
        lock (_gate)
        {
            _events.Add(change);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_events))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public Task WaitForAsync(Func<IReadOnlyList<RegenerationStatusChanged>, bool> condition)
    {
        lock (_gate)
        {
            if (condition(_events))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public Task WaitForAsync(Func<RegenerationStatusChanged, bool> match) => WaitForAsync(events => events.Any(match));

    /// <summary>The last status of every job seen.</summary>
    public IReadOnlyDictionary<long, RegenerationStatusChanged> LastByJob()
    {
        lock (_gate)
        {
            var last = new Dictionary<long, RegenerationStatusChanged>();
            foreach (var e in _events)
            {
                last[e.JobId] = e;
            }

            return last;
        }
    }
}
