using AudioVis.Cache.Diffing;

namespace AudioVis.Cache.Regeneration;

/// <summary>
/// Connects the queue and the diff scheduler in both directions without either knowing the other: the diff
/// scheduler sits upstream of the queue, so the queue only publishes "a job of this key ended" and the DI layer
/// turns that into <see cref="IDiffScheduler.Invalidate"/>.
/// </summary>
internal static class RegenerationWiring
{
    public static void Connect(RegenerationQueue queue, IDiffScheduler scheduler, RegenerationOptions options)
    {
        // Every final status invalidates, not only success: an analyzer may have written some descriptors of a
        // job that then failed (writes are atomic per descriptor), and a re-diff of an unchanged cache publishes nothing.
        queue.Own(queue.SubscribeJobEnded(scheduler.Invalidate));
        if (options.AutoRegenerate)
        {
            queue.Own(scheduler.Subscribe(queue.OnDiffPublished));
        }
    }
}
