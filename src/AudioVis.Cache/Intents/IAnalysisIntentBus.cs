using System.Diagnostics.CodeAnalysis;

namespace AudioVis.Cache.Intents;

/// <summary>
/// The in-memory bus elements publish their analysis intents to. Publishing is memoized per element: an intent
/// that asks for the same {track, profile, descriptors} as the element's current one is not re-emitted.
/// </summary>
/// <remarks>
/// <para>
/// Subscribers are synchronous handlers (<see cref="Subscribe"/>), called on the publishing thread in publication
/// order, after the bus's state has changed. This keeps the render-frame path allocation-free and deterministic;
/// a consumer that wants to work asynchronously can forward changes into a <c>Channel</c>. A handler that throws
/// is logged and does not stop publishing or the other handlers.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public interface IAnalysisIntentBus
{
    /// <summary>Gets the number of elements that have an intent.</summary>
    int Count { get; }

    /// <summary>Publishes an element's intent.</summary>
    /// <param name="intent">The intent.</param>
    /// <returns>
    /// <see langword="true"/> when the intent was emitted (the element's first, or one that asks for something
    /// different); <see langword="false"/> when it asks for the same as the element's current intent.
    /// </returns>
    /// <exception cref="Profiles.UnknownAnalysisProfileException">The intent names a profile that is not registered; nothing changes.</exception>
    bool Publish(AnalysisIntent intent);

    /// <summary>Retracts an element's intent (call it when the element is removed).</summary>
    /// <param name="elementId">The element's id.</param>
    /// <returns><see langword="true"/> when the element had an intent.</returns>
    bool Retract(string elementId);

    /// <summary>Gets an element's current intent.</summary>
    /// <param name="elementId">The element's id.</param>
    /// <param name="intent">The intent, when the element has one.</param>
    /// <returns><see langword="true"/> when the element has an intent.</returns>
    bool TryGetIntent(string elementId, [MaybeNullWhen(false)] out AnalysisIntent intent);

    /// <summary>Gets a snapshot of every current intent, ordered by element id (ordinal).</summary>
    /// <returns>The intents.</returns>
    IReadOnlyList<AnalysisIntent> GetIntents();

    /// <summary>Subscribes to intent changes.</summary>
    /// <param name="handler">Called for every emitted change, on the publishing thread.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<AnalysisIntentChange> handler);
}
