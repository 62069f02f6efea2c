using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Diagnostics;

/// <summary>One descriptor of one {track, analysis profile} in the diagnostics panel.</summary>
/// <param name="Descriptor">The descriptor id, channel alias included.</param>
/// <param name="Status">The status.</param>
/// <param name="LastAnalyzedAt">When its cached values were computed; <see langword="null"/> when nothing is cached.</param>
/// <param name="Reason">Why it has this status, in words (e.g. <c>FFT size changed from 2048 to 4096</c>); empty when current.</param>
/// <param name="Owners">The elements that request it, ordered; empty for an extraneous row.</param>
/// <param name="Actions">The buttons to offer.</param>
/// <param name="FailedJobId">The job to retry, when <see cref="Status"/> is <see cref="DiagnosticsStatus.Failed"/>.</param>
public sealed record DiagnosticsRow(
    DescriptorId Descriptor,
    DiagnosticsStatus Status,
    DateTimeOffset? LastAnalyzedAt,
    string Reason,
    IReadOnlyList<string> Owners,
    IReadOnlyList<DiagnosticsRowAction> Actions,
    long? FailedJobId);

/// <summary>The rows of one analysis profile of a track.</summary>
/// <param name="AnalysisProfileId">The profile id.</param>
/// <param name="DisplayName">The profile's display name (its id when it was deleted).</param>
/// <param name="Rows">The rows, sorted and filtered as the panel's preferences say.</param>
public sealed record DiagnosticsProfileSection(string AnalysisProfileId, string DisplayName, IReadOnlyList<DiagnosticsRow> Rows);

/// <summary>The sections of one track, one per analysis profile, ordered by profile display name.</summary>
/// <param name="TrackRef">The track reference.</param>
/// <param name="Profiles">The profile sections.</param>
public sealed record DiagnosticsTrackSection(string TrackRef, IReadOnlyList<DiagnosticsProfileSection> Profiles);

/// <summary>
/// The diagnostics panel: grouped by track reference, then analysis profile, one row per descriptor with its status, last
/// analysis time, reason in words, owners and actions. Immutable and UI-framework-free. See docs/audio-feature-bindings.md.
/// </summary>
/// <param name="Tracks">The track sections, ordered by track reference (ordinal).</param>
public sealed record DiagnosticsPanelViewModel(IReadOnlyList<DiagnosticsTrackSection> Tracks)
{
    /// <summary>Gets every row of every section, in panel order.</summary>
    public IEnumerable<DiagnosticsRow> Rows => Tracks.SelectMany(t => t.Profiles).SelectMany(p => p.Rows);
}
