using AudioVis.Cache.Intents;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <summary>Compares what a group of elements requests for one {track, profile} with what the cache holds.</summary>
public interface ICacheDiffer
{
    /// <summary>Computes the diff of one {track, profile}.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="intents">The intents of every element that requests something for <paramref name="key"/>; may be empty (then everything cached is extraneous).</param>
    /// <param name="cancellationToken">Cancels the store and source-hash lookups.</param>
    /// <returns>The diff.</returns>
    /// <exception cref="ArgumentException">An intent belongs to another key, or two intents share an element id.</exception>
    /// <exception cref="Profiles.UnknownAnalysisProfileException">The profile was never registered (a deleted profile gives a diff with <see cref="CacheDiff.IsProfileDeleted"/>).</exception>
    ValueTask<CacheDiff> DiffAsync(CacheKey key, IReadOnlyCollection<AnalysisIntent> intents, CancellationToken cancellationToken = default);
}
