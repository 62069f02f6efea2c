using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Internal;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Profiles;

/// <inheritdoc/>
internal sealed class AnalysisProfileRegistry : IAnalysisProfileRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AnalysisProfile> _profiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly SubscriberList<AnalysisProfileChange> _subscribers;
    private AnalysisProfile[] _snapshot = [];

    public AnalysisProfileRegistry(IEnumerable<AnalysisProfile> profiles, ILogger<AnalysisProfileRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        _subscribers = new SubscriberList<AnalysisProfileChange>(logger, nameof(IAnalysisProfileRegistry));
        foreach (var profile in profiles)
        {
            ArgumentNullException.ThrowIfNull(profile, nameof(profiles));
            if (!_profiles.TryAdd(profile.Id, profile))
            {
                throw new DuplicateAnalysisProfileException(profile.Id);
            }
        }

        RefreshSnapshot();
    }

    public IReadOnlyList<AnalysisProfile> Profiles => Volatile.Read(ref _snapshot);

    public bool TryGet(string profileId, [MaybeNullWhen(false)] out AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        lock (_gate)
        {
            return _profiles.TryGetValue(profileId, out profile);
        }
    }

    public AnalysisProfile Get(string profileId) =>
        TryGet(profileId, out var profile) ? profile : throw new UnknownAnalysisProfileException(profileId, WasDeleted(profileId));

    public bool WasDeleted(string profileId)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        lock (_gate)
        {
            return _deleted.Contains(profileId);
        }
    }

    public void Add(AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            if (!_profiles.TryAdd(profile.Id, profile))
            {
                throw new DuplicateAnalysisProfileException(profile.Id);
            }

            _deleted.Remove(profile.Id);
            RefreshSnapshot();
        }

        _subscribers.Raise(new AnalysisProfileChange(AnalysisProfileChangeKind.Added, profile.Id, null, profile));
    }

    public void Replace(AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        AnalysisProfile previous;
        lock (_gate)
        {
            if (!_profiles.TryGetValue(profile.Id, out previous!))
            {
                throw new UnknownAnalysisProfileException(profile.Id, _deleted.Contains(profile.Id));
            }

            _profiles[profile.Id] = profile;
            RefreshSnapshot();
        }

        _subscribers.Raise(new AnalysisProfileChange(AnalysisProfileChangeKind.Replaced, profile.Id, previous, profile));
    }

    public bool Remove(string profileId)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        AnalysisProfile? previous;
        lock (_gate)
        {
            if (!_profiles.Remove(profileId, out previous))
            {
                return false;
            }

            _deleted.Add(profileId);
            RefreshSnapshot();
        }

        _subscribers.Raise(new AnalysisProfileChange(AnalysisProfileChangeKind.Removed, profileId, previous, null));
        return true;
    }

    public IDisposable Subscribe(Action<AnalysisProfileChange> handler) => _subscribers.Subscribe(handler);

    private void RefreshSnapshot() =>
        Volatile.Write(ref _snapshot, [.. _profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal)]);
}
