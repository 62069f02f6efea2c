namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// What the host's cache banner shows: its state, its message (glossary terms, pluralised, no code names), its progress and
/// cost estimate, and its actions. Immutable and UI-framework-free; two view models with the same content are equal, so a
/// host re-renders only when the banner changed. See docs/audio-feature-bindings.md.
/// </summary>
public sealed class BannerViewModel : IEquatable<BannerViewModel>
{
    /// <summary>The page the banner's Learn More action opens.</summary>
    public const string DefaultLearnMoreLink = "docs/audio-feature-bindings.md#cache-regeneration";

    internal BannerViewModel(
        BannerState state,
        string message,
        int descriptorCount,
        double? progress,
        TimeSpan? estimatedDuration,
        BannerAction[] actions,
        ProfileChoice[] deletedProfiles,
        ProfileChoice[] replacementCandidates,
        long[] failedJobIds)
    {
        State = state;
        Message = message;
        DescriptorCount = descriptorCount;
        Progress = progress;
        EstimatedDuration = estimatedDuration;
        Actions = actions;
        DeletedProfiles = deletedProfiles;
        ReplacementCandidates = replacementCandidates;
        FailedJobIds = failedJobIds;
    }

    /// <summary>Gets the banner of a clean cache (or of a host whose diagnostics feature flag is off).</summary>
    public static BannerViewModel Hidden { get; } = new(BannerState.Hidden, string.Empty, 0, null, null, [], [], [], []);

    /// <summary>Gets the state.</summary>
    public BannerState State { get; }

    /// <summary>Gets a value indicating whether the banner is shown: some descriptor is missing or stale and the feature flag is on.</summary>
    public bool IsVisible => State != BannerState.Hidden;

    /// <summary>Gets a value indicating whether the banner asks for a choice before anything else can happen (a deleted profile).</summary>
    public bool IsBlocking => State == BannerState.ProfileDeleted;

    /// <summary>Gets the message, e.g. <c>2 descriptors require regeneration to match the 'HighRes FFT' profile.</c>; empty when hidden.</summary>
    public string Message { get; }

    /// <summary>Gets how many descriptors are missing or stale over all current diffs (the banner's count).</summary>
    public int DescriptorCount { get; }

    /// <summary>Gets the progress of the running and queued jobs, from 0 to 1, while <see cref="State"/> is <see cref="BannerState.Regenerating"/>; otherwise <see langword="null"/>.</summary>
    public double? Progress { get; }

    /// <summary>Gets the estimated duration of Regenerate All, when it can be estimated (the cost preview).</summary>
    public TimeSpan? EstimatedDuration { get; }

    /// <summary>Gets the actions to offer, in order.</summary>
    public IReadOnlyList<BannerAction> Actions { get; }

    /// <summary>Gets the deleted profiles whose descriptors wait for a replacement (state <see cref="BannerState.ProfileDeleted"/>).</summary>
    public IReadOnlyList<ProfileChoice> DeletedProfiles { get; }

    /// <summary>Gets the registered profiles a deleted one can be replaced with, ordered by display name.</summary>
    public IReadOnlyList<ProfileChoice> ReplacementCandidates { get; }

    /// <summary>Gets the ids of the jobs whose failure the banner reports, for Retry, in ascending order.</summary>
    public IReadOnlyList<long> FailedJobIds { get; }

    /// <summary>Gets the link of the Learn More action.</summary>
    public string LearnMoreLink => DefaultLearnMoreLink;

    /// <inheritdoc/>
    public bool Equals(BannerViewModel? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
        (State == other.State &&
         Message == other.Message &&
         DescriptorCount == other.DescriptorCount &&
         Progress == other.Progress &&
         EstimatedDuration == other.EstimatedDuration &&
         Actions.SequenceEqual(other.Actions) &&
         DeletedProfiles.SequenceEqual(other.DeletedProfiles) &&
         ReplacementCandidates.SequenceEqual(other.ReplacementCandidates) &&
         FailedJobIds.SequenceEqual(other.FailedJobIds)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BannerViewModel);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(State, Message, DescriptorCount, Progress);

    /// <summary>Returns <c>State: Message</c>.</summary>
    /// <returns>The banner as text.</returns>
    public override string ToString() => IsVisible ? $"{State}: {Message}" : "Hidden";
}
