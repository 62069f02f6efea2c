using System.Threading.Channels;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.History;

/// <summary>
/// The history logger: takes entries from callers that must not wait (the regeneration queue records under its lock)
/// and appends them to the <see cref="IHistoryStore"/> in batches on one background loop, in the order recorded.
/// </summary>
internal sealed class HistoryRecorder
{
    private const int MaxBatch = 512;

    private readonly Channel<HistoryEntry> _pending = Channel.CreateUnbounded<HistoryEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IHistoryStore _store;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private long _recorded;
    private long _written;
    private List<(long Target, TaskCompletionSource Done)>? _flushWaiters;

    public HistoryRecorder(IHistoryStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues an entry for appending; never blocks. Entries recorded after <see cref="CompleteAsync"/> are logged and dropped.</summary>
    public void Record(HistoryEntry entry)
    {
        lock (_gate)
        {
            if (_pending.Writer.TryWrite(entry))
            {
                _recorded++;
                return;
            }
        }

        Log.HistoryEntryDropped(_logger, entry.Id, entry.Key.TrackRef, entry.Key.AnalysisProfileId);
    }

    /// <summary>Completes when every entry recorded before the call has been appended (or its append failed and was logged).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            if (_written >= _recorded || _loop.IsCompleted)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_flushWaiters ??= []).Add((_recorded, done));
            return done.Task;
        }
    }

    /// <summary>Stops taking entries and waits, up to <paramref name="timeout"/>, until the recorded ones are appended.</summary>
    public async Task CompleteAsync(TimeSpan timeout, TimeProvider time)
    {
        lock (_gate)
        {
            _pending.Writer.TryComplete();
        }

        try
        {
            await _loop.WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.HistoryFlushTimedOut(_logger, timeout);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<HistoryEntry>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                await _store.AppendAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The queue's work is done and durable; a history store that fails must not stop it. The entries are lost
                // from the audit, which the log says with their count.
                Log.HistoryAppendFailed(_logger, batch.Count, ex);
            }

            lock (_gate)
            {
                _written += batch.Count;
                ReleaseFlushWaitersLocked();
            }

            batch.Clear();
        }

        lock (_gate)
        {
            _written = long.MaxValue;
            ReleaseFlushWaitersLocked();
        }
    }

    private void ReleaseFlushWaitersLocked()
    {
        if (_flushWaiters is null)
        {
            return;
        }

        _flushWaiters.RemoveAll(waiter =>
        {
            if (waiter.Target > _written)
            {
                return false;
            }

            waiter.Done.TrySetResult();
            return true;
        });
    }
}
