using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Reliability.Tests.Load;

/// <summary>A regeneration queue over a probe analyzer, two profiles and a logger that counts errors; the shared rig of the Load, Chaos and Shutdown tests.</summary>
internal sealed class QueueRig : IAsyncDisposable
{
    public static readonly AnalysisProfile Alternate = new("alternate", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }, "Alternate FFT");

    public QueueRig(ProbeAnalyzer analyzer, Action<RegenerationOptions>? configure = null)
    {
        var options = new RegenerationOptions { MaxDegreeOfParallelism = 4 };
        configure?.Invoke(options);
        Options = options;
        Analyzer = analyzer;
        Availability = new AnalysisAvailability(Logger.For<AnalysisAvailability>());
        var profiles = new AnalysisProfileRegistry([AnalysisProfile.Default, Alternate], Logger.For<AnalysisProfileRegistry>());
        var exports = new ExportCoordinator(Logger.For<ExportCoordinator>());
        Queue = new RegenerationQueue(analyzer, profiles, Availability, exports, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, Logger.For<RegenerationQueue>());
    }

    public RegenerationOptions Options { get; }

    public ProbeAnalyzer Analyzer { get; }

    public AnalysisAvailability Availability { get; }

    public RegenerationQueue Queue { get; }

    public CountingLogger Logger { get; } = new();

    /// <summary><paramref name="tracks"/> tracks × the two profiles, in a fixed order.</summary>
    public static CacheKey[] Keys(int tracks) =>
        [.. Enumerable.Range(0, tracks).SelectMany(t => new[] { new CacheKey($"track{t:00}.wav", AnalysisProfile.DefaultId), new CacheKey($"track{t:00}.wav", Alternate.Id) })];

    /// <summary>Descriptor ids <c>probe.d00</c>, <c>probe.d01</c>, …</summary>
    public static DescriptorId[] Descriptors(int count) => [.. Enumerable.Range(0, count).Select(i => DescriptorId.Parse($"probe.d{i:00}"))];

    public ValueTask DisposeAsync() => Queue.DisposeAsync();
}

/// <summary>A logger that counts entries per level, so a test can assert the queue logged no fault.</summary>
internal sealed class CountingLogger
{
    private readonly int[] _perLevel = new int[(int)LogLevel.None + 1];

    public int Count(LogLevel level) => Volatile.Read(ref _perLevel[(int)level]);

    /// <summary>Event ids logged at <see cref="LogLevel.Critical"/> or <see cref="LogLevel.Error"/> that mean the queue itself faulted (2008 dispatcher, 2009 bookkeeping, 2012 deferred disposal).</summary>
    public int QueueFaults => Volatile.Read(ref _queueFaults);

    private int _queueFaults;

    public ILogger<T> For<T>() => new Typed<T>(this);

    private void Log(LogLevel level, EventId id)
    {
        Interlocked.Increment(ref _perLevel[(int)level]);
        if (id.Id is 2008 or 2009 or 2012)
        {
            Interlocked.Increment(ref _queueFaults);
        }
    }

    private sealed class Typed<T>(CountingLogger owner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Log(logLevel, eventId);
    }
}

/// <summary>
/// An analyzer that records, per {key, descriptor} and per key, how many analyses run at once (the queue promises one
/// per key), every descriptor it completed, and runs a behaviour per call (jitter, failures, hangs).
/// </summary>
internal sealed class ProbeAnalyzer(Func<AnalysisRequest, CancellationToken, ValueTask>? behaviour = null) : IAudioAnalyzer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, int> _runningPerKey = [];
    private readonly Dictionary<(CacheKey, DescriptorId), int> _runningPerDescriptor = [];
    private readonly HashSet<(CacheKey, DescriptorId)> _completed = [];
    private int _running;

    public int Calls { get; private set; }

    public int MaxConcurrent { get; private set; }

    /// <summary>Calls that found another analysis of their key running.</summary>
    public int KeyOverlaps { get; private set; }

    /// <summary>Descriptors that found another analysis of themselves running.</summary>
    public int DescriptorOverlaps { get; private set; }

    public IReadOnlySet<(CacheKey Key, DescriptorId Descriptor)> Completed
    {
        get
        {
            lock (_gate)
            {
                return _completed.ToHashSet();
            }
        }
    }

    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
    {
        Enter(request);
        try
        {
            if (behaviour is not null)
            {
                await behaviour(request, cancellationToken).ConfigureAwait(false);
            }

            var records = request.Descriptors.Select(d => Record(request, d)).ToArray();
            lock (_gate)
            {
                _completed.UnionWith(request.Descriptors.Select(d => (request.Key, d)));
            }

            return records;
        }
        finally
        {
            Leave(request);
        }
    }

    private static CacheMetadataRecord Record(AnalysisRequest request, DescriptorId descriptor) =>
        new(request.Key, descriptor, request.Profile.RevisionHash, request.Profile.Parameters, "pcm-sha256:probe", "probe", 1, DateTimeOffset.UnixEpoch);

    private void Enter(AnalysisRequest request)
    {
        lock (_gate)
        {
            Calls++;
            MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
            if (Increment(_runningPerKey, request.Key) > 1)
            {
                KeyOverlaps++;
            }

            foreach (var descriptor in request.Descriptors)
            {
                if (Increment(_runningPerDescriptor, (request.Key, descriptor)) > 1)
                {
                    DescriptorOverlaps++;
                }
            }
        }
    }

    private void Leave(AnalysisRequest request)
    {
        lock (_gate)
        {
            _running--;
            _runningPerKey[request.Key]--;
            foreach (var descriptor in request.Descriptors)
            {
                _runningPerDescriptor[(request.Key, descriptor)]--;
            }
        }
    }

    private static int Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        counts.TryGetValue(key, out var count);
        return counts[key] = count + 1;
    }
}
