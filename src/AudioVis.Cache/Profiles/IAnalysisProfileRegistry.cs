using System.Diagnostics.CodeAnalysis;

namespace AudioVis.Cache.Profiles;

/// <summary>The analysis profiles the host has defined, with change notifications.</summary>
/// <remarks>Thread-safe. Handlers run synchronously on the thread that made the change; a throwing handler is logged and does not stop the change or other handlers.</remarks>
public interface IAnalysisProfileRegistry
{
    /// <summary>Gets every registered profile, ordered by id (ordinal).</summary>
    IReadOnlyList<AnalysisProfile> Profiles { get; }

    /// <summary>Finds a profile.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="profile">The profile, when registered.</param>
    /// <returns><see langword="true"/> when the profile is registered.</returns>
    bool TryGet(string profileId, [MaybeNullWhen(false)] out AnalysisProfile profile);

    /// <summary>Gets a profile.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="UnknownAnalysisProfileException">The profile is not registered (or was deleted).</exception>
    AnalysisProfile Get(string profileId);

    /// <summary>Tells whether a profile id was registered and then removed (and not added again).</summary>
    /// <param name="profileId">The profile id.</param>
    /// <returns><see langword="true"/> when the profile was deleted.</returns>
    bool WasDeleted(string profileId);

    /// <summary>Adds a profile.</summary>
    /// <param name="profile">The profile.</param>
    /// <exception cref="DuplicateAnalysisProfileException">A profile with the same id is registered.</exception>
    void Add(AnalysisProfile profile);

    /// <summary>Replaces the registered profile that has the same id.</summary>
    /// <param name="profile">The new version of the profile.</param>
    /// <exception cref="UnknownAnalysisProfileException">No profile with that id is registered.</exception>
    void Replace(AnalysisProfile profile);

    /// <summary>Removes a profile.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <returns><see langword="true"/> when a profile was removed.</returns>
    bool Remove(string profileId);

    /// <summary>Subscribes to changes.</summary>
    /// <param name="handler">Called after each change, on the thread that made it.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<AnalysisProfileChange> handler);
}
