using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Telemetry;

namespace AudioVis.Cache.Storage;

/// <summary>The panel's "Dismiss" for extraneous descriptors (this file), and the "a key's records changed" signal.</summary>
internal sealed partial class CacheMaintenance
{
    /// <inheritdoc/>
    public async ValueTask<HistoryEntry> DismissAsync(CacheDiff diff, DescriptorId descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!diff.Extraneous.Contains(descriptor))
        {
            var state = diff.Missing.Contains(descriptor) ? "missing" : diff.Stale.Contains(descriptor) ? "stale" : diff.Current.Contains(descriptor) ? "current" : "not in the diff";
            throw new InvalidOperationException(
                $"Descriptor '{descriptor}' of {diff.Key} is {state}, not extraneous: only a cached descriptor no element requests can be dismissed.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var started = _timeProvider.GetTimestamp();
        HistoryEntry entry;
        try
        {
            // The record goes first: a failure between the two steps leaves a blob without a record (extraneous to the
            // store, recreated by a rebuild), never a record that points at a deleted blob.
            await _metadata.RemoveAsync(diff.Key, [descriptor], cancellationToken).ConfigureAwait(false);
            await _features.DeleteAsync(diff.Key, descriptor, CancellationToken.None).ConfigureAwait(false);
            entry = CreateDismissal(diff.Key, descriptor, started, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await RecordAsync(CreateDismissal(diff.Key, descriptor, started, ex)).ConfigureAwait(false);
            _keyChanged.Raise(diff.Key);
            throw;
        }

        _keyChanged.Raise(diff.Key);
        await RecordAsync(entry).ConfigureAwait(false);
        Log.DescriptorDismissed(_logger, descriptor.ToString(), diff.TrackRef, diff.AnalysisProfileId);
        return entry;
    }

    /// <summary>Subscribes to "the records of this key changed" (a dismissal, a rebuild); the DI layer wires it to <see cref="IDiffScheduler.Invalidate"/>.</summary>
    internal IDisposable SubscribeKeyChanged(Action<CacheKey> handler) => _keyChanged.Subscribe(handler);

    private HistoryEntry CreateDismissal(CacheKey key, DescriptorId descriptor, long started, Exception? error)
    {
        var now = _timeProvider.GetUtcNow();
        return new HistoryEntry(
            HistoryEntry.NewId(_timeProvider),
            now,
            key,
            HistoryAction.Dismissed,
            [descriptor],
            error is null ? HistoryStatus.Success : HistoryStatus.Failure,
            (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds,
            trigger: RegenerationReason.Manual,
            errorType: error?.GetType().FullName,
            errorMessage: error?.Message);
    }

    private async ValueTask RecordAsync(HistoryEntry entry)
    {
        try
        {
            await _history.AppendAsync([entry]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HistoryAppendFailed(_logger, 1, ex);
        }
    }
}
