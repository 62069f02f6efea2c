using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Disposes the blob writers of cancelled analyses off the caller's path, one batch after another. Discarding a long
/// track's uncommitted blobs means deleting gigabytes of temporary files, which the kernel may hold up for seconds while
/// it finishes writing them back; a cancelled analysis should return as soon as it stops computing.
/// </summary>
internal sealed class DiscardedWriters : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task _last = Task.CompletedTask;

    /// <summary>Queues the writers to be disposed (uncommitted writers delete their temporary files).</summary>
    /// <param name="writers">The writers; null entries are skipped.</param>
    public void Discard(IFeatureBlobWriter?[] writers)
    {
        lock (_gate)
        {
            _last = _last.ContinueWith(_ => DisposeAllAsync(writers), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Returns a task that completes once every writer queued so far is disposed.</summary>
    /// <returns>The task; it never faults.</returns>
    public Task WhenDiscardedAsync()
    {
        lock (_gate)
        {
            return _last;
        }
    }

    /// <summary>Waits until every queued writer is disposed, so nothing is left behind.</summary>
    /// <returns>A task that completes when the queue is empty.</returns>
    public ValueTask DisposeAsync() => new(WhenDiscardedAsync());

    private static async Task DisposeAllAsync(IFeatureBlobWriter?[] writers)
    {
        foreach (var writer in writers)
        {
            if (writer is null)
            {
                continue;
            }

            try
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The analysis already ended with its own exception; a store's failure to discard cannot be reported to anyone.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
