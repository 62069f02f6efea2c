using System.Collections.Concurrent;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.TestSupport;

/// <summary>
/// A controllable <see cref="IAudioAnalyzer"/>: records calls, holds them until released, fails on demand, writes
/// one record per descriptor (each write atomic, like the real analyzer), and tracks concurrency per key and overall.
/// </summary>
internal sealed class FakeAnalyzer(ICacheMetadataStore? store = null, TimeProvider? time = null) : IAudioAnalyzer
{
    public const string WrittenSource = "pcm-sha256:regenerated";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<CacheKey, int> _runningPerKey = new();
    private readonly List<(Func<FakeAnalyzer, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private TaskCompletionSource _release = NewReleased();
    private int _running;
    private int _calls;

    public ConcurrentQueue<AnalysisRequest> Calls { get; } = new();

    public int CallCount => Volatile.Read(ref _calls);

    public int Completed { get; private set; }

    public int MaxConcurrent { get; private set; }

    public int MaxConcurrentPerKey { get; private set; }

    /// <summary>Decides, per call, the exception to throw after the hold (null: succeed).</summary>
    public Func<AnalysisRequest, Exception?>? FailWith { get; set; }

    /// <summary>When false, a held call ignores its cancellation token (an analyzer that does not cooperate).</summary>
    public bool HonorCancellation { get; set; } = true;

    /// <summary>When set, every call waits until this many calls run at once, then the hold opens for good.</summary>
    public int? ReleaseWhenConcurrent { get; set; }

    /// <summary>Extra asynchronous work per call (jitter).</summary>
    public Func<AnalysisRequest, Task>? Jitter { get; set; }

    public void Hold()
    {
        lock (_gate)
        {
            if (_release.Task.IsCompleted)
            {
                _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _release.TrySetResult();
        }
    }

    public Task WaitForAsync(Func<FakeAnalyzer, bool> condition)
    {
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public Task WaitForCallsAsync(int count) => WaitForAsync(a => a.CallCount >= count);

    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
    {
        Task hold;
        lock (_gate)
        {
            Calls.Enqueue(request);
            _calls++;
            _running++;
            MaxConcurrent = Math.Max(MaxConcurrent, _running);
            var perKey = _runningPerKey.AddOrUpdate(request.Key, 1, (_, n) => n + 1);
            MaxConcurrentPerKey = Math.Max(MaxConcurrentPerKey, perKey);
            if (ReleaseWhenConcurrent is { } target)
            {
                if (_running >= target)
                {
                    ReleaseWhenConcurrent = null;
                    _release.TrySetResult();
                }
                else if (_release.Task.IsCompleted)
                {
                    _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            hold = _release.Task;
            SignalLocked();
        }

        try
        {
            await (HonorCancellation ? hold.WaitAsync(cancellationToken) : hold).ConfigureAwait(false);
            if (Jitter is { } jitter)
            {
                await jitter(request).ConfigureAwait(false);
            }

            if (FailWith?.Invoke(request) is { } failure)
            {
                throw failure;
            }

            var records = new List<CacheMetadataRecord>(request.Descriptors.Count);
            for (var i = 0; i < request.Descriptors.Count; i++)
            {
                var descriptor = request.Descriptors[i];
                progress?.Report(new AnalysisProgress((double)i / request.Descriptors.Count, descriptor));
                var record = Record(request.Key, descriptor, request.Profile, (time ?? TimeProvider.System).GetUtcNow());
                if (store is not null)
                {
                    await store.UpsertAsync(request.Key, [record], CancellationToken.None).ConfigureAwait(false);
                }

                records.Add(record);
            }

            lock (_gate)
            {
                Completed++;
            }

            return records;
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                _runningPerKey.AddOrUpdate(request.Key, 0, (_, n) => n - 1);
                SignalLocked();
            }
        }
    }

    public static CacheMetadataRecord Record(CacheKey key, DescriptorId descriptor, AnalysisProfile profile, DateTimeOffset analyzedAt)
    {
        var definition = DescriptorCatalog.Default.TryGetDefinition(descriptor, out var d) ? d : null;
        return new CacheMetadataRecord(
            key,
            descriptor,
            profile.RevisionHash,
            profile.Parameters,
            WrittenSource,
            definition?.CalculatorId ?? "custom",
            definition?.CalculatorVersion ?? 1,
            analyzedAt);
    }

    private static TaskCompletionSource NewReleased()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }

    private void SignalLocked()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition(this))
            {
                _waiters[i].Signal.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
