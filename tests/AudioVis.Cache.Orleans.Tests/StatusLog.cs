using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>Records status changes and lets a test await one.</summary>
internal sealed class StatusLog
{
    private readonly Lock _gate = new();
    private readonly List<RegenerationStatusChanged> _events = [];
    private readonly List<(Func<RegenerationStatusChanged, bool> Match, TaskCompletionSource Signal)> _waiters = [];

    public void Add(RegenerationStatusChanged change)
    {
        lock (_gate)
        {
            _events.Add(change);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(change))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public IReadOnlyList<RegenerationStatus> StatusesOf(long jobId)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.JobId == jobId).Select(e => e.Status)];
        }
    }

    public Task WaitForAsync(Func<RegenerationStatusChanged, bool> match)
    {
        lock (_gate)
        {
            if (_events.Any(match))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
