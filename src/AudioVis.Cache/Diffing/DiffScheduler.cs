using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diffing;

/// <inheritdoc cref="IDiffScheduler"/>
internal sealed class DiffScheduler : IDiffScheduler, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _frameGate = new(1, 1);
    private readonly Dictionary<CacheKey, SortedList<string, AnalysisIntent>> _groups = [];
    private readonly HashSet<CacheKey> _dirty = [];
    private readonly Dictionary<CacheKey, CacheDiff> _latest = [];
    private readonly ICacheDiffer _differ;
    private readonly ILogger _logger;
    private readonly SubscriberList<CacheDiff> _subscribers;
    private readonly IDisposable _intentSubscription;
    private readonly IDisposable _profileSubscription;

    public DiffScheduler(IAnalysisIntentBus bus, IAnalysisProfileRegistry profiles, ICacheDiffer differ, ILogger<DiffScheduler> logger)
    {
        _differ = differ;
        _logger = logger;
        _subscribers = new SubscriberList<CacheDiff>(logger, nameof(IDiffScheduler));

        // Subscribe first, then load what the bus already holds: a change racing the load is applied twice, harmlessly.
        _intentSubscription = bus.Subscribe(OnIntentChanged);
        _profileSubscription = profiles.Subscribe(OnProfileChanged);
        foreach (var intent in bus.GetIntents())
        {
            OnIntentChanged(new AnalysisIntentChange(AnalysisIntentChangeKind.Published, intent.ElementId, null, intent));
        }
    }

    public ValueTask<IReadOnlyList<CacheDiff>> RunFrameAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_dirty.Count == 0)
            {
                return new ValueTask<IReadOnlyList<CacheDiff>>(Array.Empty<CacheDiff>());
            }
        }

        return RunDirtyGroupsAsync(cancellationToken);
    }

    public void Invalidate(CacheKey key)
    {
        StoreGuard.ThrowIfDefault(key);
        lock (_gate)
        {
            if (_groups.ContainsKey(key))
            {
                _dirty.Add(key);
            }
        }
    }

    /// <summary>Marks every group of a track dirty (its source changed or became unreadable): the next frame re-diffs them.</summary>
    /// <param name="trackRef">The track.</param>
    public void InvalidateTrack(string trackRef)
    {
        lock (_gate)
        {
            foreach (var key in _groups.Keys)
            {
                if (string.Equals(key.TrackRef, trackRef, StringComparison.Ordinal))
                {
                    _dirty.Add(key);
                }
            }
        }
    }

    public void InvalidateAll()
    {
        lock (_gate)
        {
            _dirty.UnionWith(_groups.Keys);
        }
    }

    public bool TryGetLatest(CacheKey key, [MaybeNullWhen(false)] out CacheDiff diff)
    {
        lock (_gate)
        {
            return _latest.TryGetValue(key, out diff);
        }
    }

    public IReadOnlyList<CacheDiff> GetLatestDiffs()
    {
        lock (_gate)
        {
            CacheDiff[] diffs = [.. _latest.Values];
            Array.Sort(diffs, static (a, b) => a.Key.CompareTo(b.Key));
            return diffs;
        }
    }

    public IDisposable Subscribe(Action<CacheDiff> handler) => _subscribers.Subscribe(handler);

    public void Dispose()
    {
        _intentSubscription.Dispose();
        _profileSubscription.Dispose();
        _frameGate.Dispose();
    }

    private async ValueTask<IReadOnlyList<CacheDiff>> RunDirtyGroupsAsync(CancellationToken cancellationToken)
    {
        await _frameGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (CacheKey Key, AnalysisIntent[] Intents)[] work;
            lock (_gate)
            {
                work = new (CacheKey, AnalysisIntent[])[_dirty.Count];
                var i = 0;
                foreach (var key in _dirty)
                {
                    work[i++] = (key, _groups.TryGetValue(key, out var members) ? [.. members.Values] : []);
                }

                _dirty.Clear();
            }

            Array.Sort(work, static (a, b) => a.Key.CompareTo(b.Key));
            var published = new List<CacheDiff>();
            for (var i = 0; i < work.Length; i++)
            {
                var (key, intents) = work[i];
                CacheDiff diff;
                try
                {
                    diff = await _differ.DiffAsync(key, intents, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    MarkDirty(work.AsSpan(i));
                    throw;
                }
                catch (Exception ex)
                {
                    Log.DiffFailed(_logger, key.TrackRef, key.AnalysisProfileId, ex);
                    MarkDirty(work.AsSpan(i, 1));
                    continue;
                }

                if (Record(key, diff))
                {
                    Log.DiffPublished(_logger, key.TrackRef, key.AnalysisProfileId, diff.Missing.Count, diff.Stale.Count, diff.Extraneous.Count, diff.Unknown.Count);
                    published.Add(diff);
                    _subscribers.Raise(diff);
                }
            }

            return published;
        }
        finally
        {
            _frameGate.Release();
        }
    }

    /// <summary>Stores the diff as the group's latest; returns false when it equals the last one published.</summary>
    private bool Record(CacheKey key, CacheDiff diff)
    {
        lock (_gate)
        {
            var hadPrevious = _latest.TryGetValue(key, out var previous);
            var changed = !(hadPrevious && previous!.Equals(diff));
            if (_groups.ContainsKey(key))
            {
                if (changed)
                {
                    _latest[key] = diff;
                }

                return changed;
            }

            // The group's last element left: publish its final (all-extraneous) diff once, if hosts saw the group, and forget it.
            _latest.Remove(key);
            return hadPrevious && changed;
        }
    }

    private void MarkDirty(ReadOnlySpan<(CacheKey Key, AnalysisIntent[] Intents)> work)
    {
        lock (_gate)
        {
            foreach (var item in work)
            {
                _dirty.Add(item.Key);
            }
        }
    }

    private void OnIntentChanged(AnalysisIntentChange change)
    {
        lock (_gate)
        {
            if (change.Previous is { } previous && _groups.TryGetValue(previous.Key, out var oldMembers))
            {
                oldMembers.Remove(previous.ElementId);
                if (oldMembers.Count == 0)
                {
                    _groups.Remove(previous.Key);
                }

                _dirty.Add(previous.Key);
            }

            if (change.Current is { } current)
            {
                if (!_groups.TryGetValue(current.Key, out var members))
                {
                    _groups.Add(current.Key, members = new SortedList<string, AnalysisIntent>(StringComparer.Ordinal));
                }

                members[current.ElementId] = current;
                _dirty.Add(current.Key);
            }
        }
    }

    private void OnProfileChanged(AnalysisProfileChange change)
    {
        lock (_gate)
        {
            foreach (var key in _groups.Keys)
            {
                if (string.Equals(key.AnalysisProfileId, change.ProfileId, StringComparison.Ordinal))
                {
                    _dirty.Add(key);
                }
            }
        }
    }
}
