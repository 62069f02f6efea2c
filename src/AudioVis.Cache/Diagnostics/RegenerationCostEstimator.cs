using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The banner's cost preview: how long Regenerate All would take, from the history's recorded job durations per second of
/// audio (the median over the last <see cref="Samples"/> successful jobs whose track length is known) and the lengths of the
/// tracks to regenerate. Jobs of different tracks run in parallel, so the estimate is the larger of the longest job and the
/// total divided by the queue's parallelism. No estimate (<see langword="null"/>) until the history has a usable job, or
/// while a track to regenerate has an unknown length: a guess would mislead.
/// </summary>
internal sealed class RegenerationCostEstimator : IDisposable
{
    internal const int Samples = 200;

    private readonly IHistoryStore _history;
    private readonly ITrackDurations _durations;
    private readonly int _parallelism;
    private readonly ILogger _logger;
    private readonly SubscriberList<double> _rateChanged;
    private readonly IDisposable? _subscription;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, DateTimeOffset> _started = [];
    private readonly Dictionary<long, (string Track, double Seconds)> _finished = [];
    private double _secondsPerAudioSecond = double.NaN;
    private int _refreshing;

    public RegenerationCostEstimator(IHistoryStore history, ITrackDurations durations, int parallelism, IRegenerationQueue? queue, ILogger logger)
    {
        _history = history;
        _durations = durations;
        _parallelism = Math.Max(1, parallelism);
        _logger = logger;
        _rateChanged = new SubscriberList<double>(logger, nameof(RegenerationCostEstimator));
        _subscription = queue?.Subscribe(OnJobChanged);
        Refresh();
    }

    /// <summary>Gets the median job duration per second of audio, or NaN when the history has none yet.</summary>
    public double SecondsPerAudioSecond => Volatile.Read(ref _secondsPerAudioSecond);

    /// <summary>Registers a handler called when the rate changed (the banner recomposes).</summary>
    public IDisposable Subscribe(Action<double> handler) => _rateChanged.Subscribe(handler);

    /// <summary>Estimates Regenerate All for the diffs that need it.</summary>
    public TimeSpan? Estimate(IReadOnlyList<CacheDiff> diffs)
    {
        var rate = SecondsPerAudioSecond;
        if (double.IsNaN(rate))
        {
            return null;
        }

        double total = 0, longest = 0;
        var jobs = 0;
        foreach (var diff in diffs)
        {
            if (!diff.RequiresRegeneration || diff.IsProfileDeleted)
            {
                continue;
            }

            if (!_durations.TryGetDuration(diff.TrackRef, out var length))
            {
                return null;
            }

            var seconds = length.TotalSeconds * rate;
            total += seconds;
            longest = Math.Max(longest, seconds);
            jobs++;
        }

        return jobs == 0 ? null : TimeSpan.FromSeconds(Math.Max(longest, total / Math.Min(_parallelism, jobs)));
    }

    /// <summary>Recomputes the rate from the history in the background (one refresh at a time; a refresh asked meanwhile runs after it).</summary>
    public void Refresh()
    {
        if (Interlocked.Increment(ref _refreshing) == 1)
        {
            _ = Task.Run(RefreshLoopAsync);
        }
    }

    /// <summary>Recomputes the rate now (tests).</summary>
    internal async Task RefreshNowAsync()
    {
        var page = await _history.QueryAsync(new HistoryQuery { Status = HistoryStatus.Success, PageSize = Samples }).ConfigureAwait(false);

        // The history's jobs, and the jobs this process saw finish that the (batched) history may not hold yet, once each.
        var jobs = new Dictionary<long, (string Track, double Seconds)>();
        var unnumbered = new List<(string Track, double Seconds)>();
        foreach (var entry in page.Entries)
        {
            if (entry.JobId is { } id)
            {
                jobs[id] = (entry.Key.TrackRef, entry.DurationMs / 1000.0);
            }
            else
            {
                unnumbered.Add((entry.Key.TrackRef, entry.DurationMs / 1000.0));
            }
        }

        lock (_gate)
        {
            foreach (var (id, job) in _finished)
            {
                jobs.TryAdd(id, job);
            }
        }

        var rates = new List<double>(jobs.Count + unnumbered.Count);
        foreach (var (track, seconds) in jobs.Values.Concat(unnumbered))
        {
            if (seconds > 0 && _durations.TryGetDuration(track, out var length) && length > TimeSpan.Zero)
            {
                rates.Add(seconds / length.TotalSeconds);
            }
        }

        if (rates.Count == 0)
        {
            return;
        }

        rates.Sort();
        var median = rates.Count % 2 == 1 ? rates[rates.Count / 2] : (rates[(rates.Count / 2) - 1] + rates[rates.Count / 2]) / 2;
        if (Interlocked.Exchange(ref _secondsPerAudioSecond, median) != median)
        {
            _rateChanged.Raise(median);
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private void OnJobChanged(RegenerationStatusChanged change)
    {
        lock (_gate)
        {
            if (change.Status == RegenerationStatus.Running)
            {
                _started.TryAdd(change.JobId, change.Timestamp);
                return;
            }

            if (!change.IsFinal || !_started.Remove(change.JobId, out var started) || change.Status != RegenerationStatus.Succeeded)
            {
                return;
            }

            if (_finished.Count >= Samples)
            {
                _finished.Remove(_finished.Keys.Min());
            }

            _finished[change.JobId] = (change.Key.TrackRef, (change.Timestamp - started).TotalSeconds);
        }

        Refresh();
    }

    private async Task RefreshLoopAsync()
    {
        do
        {
            try
            {
                await RefreshNowAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.CostEstimateFailed(_logger, e);
            }
        }
        while (Interlocked.Decrement(ref _refreshing) > 0 && Interlocked.Exchange(ref _refreshing, 1) > 0);
    }
}
