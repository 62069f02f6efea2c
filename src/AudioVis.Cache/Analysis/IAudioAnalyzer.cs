using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Computes descriptors of one {track, profile} in a single decode and STFT pass, writes each descriptor's
/// feature blob durably, then its cache metadata record. The regeneration queue is its only caller in the library.
/// </summary>
/// <remarks>
/// Implementations write the entries of the requested descriptors and nothing else; a failure or cancellation
/// part-way leaves every descriptor with its previous valid entry (or none), never a half-written one.
/// </remarks>
public interface IAudioAnalyzer
{
    /// <summary>Analyses a track with a profile and stores the requested descriptors.</summary>
    /// <param name="request">What to compute.</param>
    /// <param name="progress">Receives progress (0..1 and the descriptor being written); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the analysis; nothing half-written is left behind.</param>
    /// <returns>The metadata records written, one per requested descriptor, in descriptor order.</returns>
    ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default);
}

/// <summary>What an <see cref="IAudioAnalyzer"/> is asked to compute.</summary>
public sealed record AnalysisRequest
{
    /// <summary>Initializes a new instance of the <see cref="AnalysisRequest"/> class.</summary>
    /// <param name="profile">The profile to analyse with; its id is the key's profile id.</param>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <param name="descriptors">The descriptors to compute, at least one, no duplicates.</param>
    /// <exception cref="ArgumentException">An argument is empty, malformed or has duplicates.</exception>
    public AnalysisRequest(AnalysisProfile profile, string trackRef, IReadOnlyCollection<DescriptorId> descriptors)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(descriptors);
        Key = new CacheKey(trackRef, profile.Id);
        Profile = profile;
        DescriptorId[] sorted = [.. descriptors];
        if (sorted.Length == 0)
        {
            throw new ArgumentException($"An analysis request for {Key} must name at least one descriptor.", nameof(descriptors));
        }

        Array.Sort(sorted);
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] is null)
            {
                throw new ArgumentNullException(nameof(descriptors), $"A descriptor of the analysis request for {Key} is null.");
            }

            if (i > 0 && sorted[i].Equals(sorted[i - 1]))
            {
                throw new ArgumentException($"The analysis request for {Key} names descriptor '{sorted[i]}' twice.", nameof(descriptors));
            }
        }

        Descriptors = sorted;
    }

    /// <summary>Gets the {track, profile}.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the profile to analyse with.</summary>
    public AnalysisProfile Profile { get; }

    /// <summary>Gets the descriptors to compute, in canonical order.</summary>
    public IReadOnlyList<DescriptorId> Descriptors { get; }
}

/// <summary>Progress of one analysis.</summary>
/// <param name="Fraction">How much is done, from 0 to 1.</param>
/// <param name="CurrentDescriptor">The descriptor being computed or written, when one is.</param>
/// <param name="EstimatedTimeLeft">
/// An estimate of the time the analysis still needs (time so far × (1 − fraction) / fraction, on the analyzer's
/// <see cref="TimeProvider"/>), when one can be made: from the first whole percent decoded on; zero once done.
/// </param>
public readonly record struct AnalysisProgress(double Fraction, DescriptorId? CurrentDescriptor, TimeSpan? EstimatedTimeLeft = null);
