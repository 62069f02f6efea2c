using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// Turns intent changes into cache diffs once per render frame: it groups the changed intents by
/// {track, profile}, asks the differ (and so the store) once per changed group, and publishes a diff only when it
/// differs from the last one published for that group.
/// </summary>
/// <remarks>
/// A group is re-diffed when an intent of it changes, when its profile is added, replaced or removed, or when
/// someone calls <see cref="Invalidate"/> (the regeneration queue does after it writes). A frame with nothing to
/// do completes synchronously and allocates nothing. Handlers run on the thread that runs the frame; a throwing
/// handler is logged and does not stop the frame.
/// </remarks>
public interface IDiffScheduler
{
    /// <summary>Diffs every group that changed since the last frame and publishes the diffs that differ from the last ones.</summary>
    /// <param name="cancellationToken">Cancels the frame; groups not diffed yet stay dirty for the next frame.</param>
    /// <returns>The diffs published by this frame, in group order (track, then profile; ordinal).</returns>
    ValueTask<IReadOnlyList<CacheDiff>> RunFrameAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks a group dirty so the next frame diffs it again (for example after its cache entries changed).</summary>
    /// <param name="key">The group.</param>
    void Invalidate(CacheKey key);

    /// <summary>Marks every known group dirty.</summary>
    void InvalidateAll();

    /// <summary>Gets the last diff published for a group.</summary>
    /// <param name="key">The group.</param>
    /// <param name="diff">The diff, when one was published and the group still has intents.</param>
    /// <returns><see langword="true"/> when a diff was found.</returns>
    bool TryGetLatest(CacheKey key, [MaybeNullWhen(false)] out CacheDiff diff);

    /// <summary>Gets the last diff published for every group that has intents, in group order.</summary>
    /// <returns>The diffs.</returns>
    IReadOnlyList<CacheDiff> GetLatestDiffs();

    /// <summary>Subscribes to published diffs.</summary>
    /// <param name="handler">Called for every published diff, on the thread that runs the frame.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<CacheDiff> handler);
}
