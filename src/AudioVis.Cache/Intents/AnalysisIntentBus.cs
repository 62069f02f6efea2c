using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Intents;

/// <inheritdoc/>
internal sealed class AnalysisIntentBus : IAnalysisIntentBus
{
    // Handlers run under the gate so every subscriber sees changes in the order the state took them.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AnalysisIntent> _intents = new(StringComparer.Ordinal);
    private readonly IAnalysisProfileRegistry _profiles;
    private readonly SubscriberList<AnalysisIntentChange> _subscribers;

    public AnalysisIntentBus(IAnalysisProfileRegistry profiles, ILogger<AnalysisIntentBus> logger)
    {
        _profiles = profiles;
        _subscribers = new SubscriberList<AnalysisIntentChange>(logger, nameof(IAnalysisIntentBus));
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _intents.Count;
            }
        }
    }

    public bool Publish(AnalysisIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);

        // Fast path: the element re-publishes the instance the bus already holds.
        if (ReferenceEquals(intent.CurrentIn, this))
        {
            return false;
        }

        lock (_gate)
        {
            if (_intents.TryGetValue(intent.ElementId, out var previous) && previous.HasSameRequest(intent))
            {
                return false;
            }

            if (!_profiles.TryGet(intent.AnalysisProfileId, out _))
            {
                throw new UnknownAnalysisProfileException(intent.AnalysisProfileId, _profiles.WasDeleted(intent.AnalysisProfileId));
            }

            _intents[intent.ElementId] = intent;
            previous?.CurrentIn = null;
            intent.CurrentIn = this;
            var kind = previous is null ? AnalysisIntentChangeKind.Published : AnalysisIntentChangeKind.Updated;
            _subscribers.Raise(new AnalysisIntentChange(kind, intent.ElementId, previous, intent));
            return true;
        }
    }

    public bool Retract(string elementId)
    {
        ArgumentNullException.ThrowIfNull(elementId);
        lock (_gate)
        {
            if (!_intents.Remove(elementId, out var previous))
            {
                return false;
            }

            previous.CurrentIn = null;

            _subscribers.Raise(new AnalysisIntentChange(AnalysisIntentChangeKind.Retracted, elementId, previous, null));
            return true;
        }
    }

    public bool TryGetIntent(string elementId, [MaybeNullWhen(false)] out AnalysisIntent intent)
    {
        ArgumentNullException.ThrowIfNull(elementId);
        lock (_gate)
        {
            return _intents.TryGetValue(elementId, out intent);
        }
    }

    public IReadOnlyList<AnalysisIntent> GetIntents()
    {
        lock (_gate)
        {
            AnalysisIntent[] all = [.. _intents.Values];
            Array.Sort(all, static (a, b) => string.CompareOrdinal(a.ElementId, b.ElementId));
            return all;
        }
    }

    public IDisposable Subscribe(Action<AnalysisIntentChange> handler) => _subscribers.Subscribe(handler);
}
