using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;

namespace AudioVis.Cache.Cli.Output;

// The --json shapes (docs/cli.md, "JSON output"). Bump FormatVersion on any incompatible change.

internal sealed record StatusJson(int FormatVersion, string SceneId, BannerJson Banner, CountsJson Counts, IReadOnlyList<TrackJson> Tracks);

internal sealed record BannerJson(string State, bool Visible, bool Blocking, string Message, int DescriptorCount, double? Progress, double? EstimatedSeconds, IReadOnlyList<string> Actions, string LearnMoreLink);

internal sealed record CountsJson(int Requested, int Current, int Missing, int Stale, int Failed, int Unavailable, int Unknown, int Extraneous);

internal sealed record TrackJson(string TrackRef, IReadOnlyList<ProfileJson> Profiles);

internal sealed record ProfileJson(string AnalysisProfileId, string DisplayName, IReadOnlyList<RowJson> Rows);

internal sealed record RowJson(string DescriptorId, string Status, DateTime? LastAnalyzedAt, string Reason, IReadOnlyList<string> Owners, IReadOnlyList<string> Actions, long? FailedJobId);

internal sealed record CheckJson(int FormatVersion, string SceneId, bool Clean, int ExitCode, CountsJson Counts, IReadOnlyList<ProblemJson> Problems);

internal sealed record ProblemJson(string TrackRef, string AnalysisProfileId, string DescriptorId, string Status, string Reason);

internal sealed record HistoryJson(int FormatVersion, IReadOnlyList<HistoryEntryJson> Entries);

internal sealed record HistoryEntryJson(
    Guid Id,
    DateTime Timestamp,
    string TrackRef,
    string AnalysisProfileId,
    string Action,
    IReadOnlyList<string> DescriptorIds,
    string Status,
    long DurationMs,
    IReadOnlyList<string> ElementIds,
    string Trigger,
    string? TriggerDetail,
    long? JobId,
    int Attempt,
    string? ErrorType,
    string? ErrorMessage);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    IndentSize = 2,
    NewLine = "\n")]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(CheckJson))]
[JsonSerializable(typeof(HistoryJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>Builds the JSON documents from the library's view models, diffs and history entries.</summary>
internal static class CliJson
{
    public const int FormatVersion = 1;

    private static readonly JsonNamingPolicy Words = JsonNamingPolicy.CamelCase;

    // Non-ASCII ("→" in stale reasons) and quotes as-is, as in the export manifest; the output is not embedded in HTML.
    private static readonly CliJsonContext Context = new(new JsonSerializerOptions(CliJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes a document to standard output, as-is (never wrapped to the console's width), ended by a line feed.</summary>
    public static void Write<T>(CliContext context, T document, Func<CliJsonContext, JsonTypeInfo<T>> type) =>
        context.WriteRaw(JsonSerializer.Serialize(document, type(Context)) + "\n");

    public static BannerJson Banner(BannerViewModel banner) => new(
        Words.ConvertName(banner.State.ToString()),
        banner.IsVisible,
        banner.IsBlocking,
        banner.Message,
        banner.DescriptorCount,
        banner.Progress,
        banner.EstimatedDuration?.TotalSeconds,
        [.. banner.Actions.Select(a => Words.ConvertName(a.ToString()))],
        banner.LearnMoreLink);

    public static IReadOnlyList<TrackJson> Tracks(DiagnosticsPanelViewModel panel) =>
        [.. panel.Tracks.Select(t => new TrackJson(t.TrackRef, [.. t.Profiles.Select(p => new ProfileJson(p.AnalysisProfileId, p.DisplayName, [.. p.Rows.Select(Row)]))]))];

    public static CountsJson Counts(IReadOnlyList<CacheDiff> diffs) => new(
        diffs.Sum(d => d.DescriptorsRequested.Count),
        diffs.Sum(d => d.Current.Count),
        diffs.Sum(d => d.Missing.Count),
        diffs.Sum(d => d.Stale.Count),
        diffs.Sum(d => d.Failed.Count),
        diffs.Sum(d => d.Unavailable.Count),
        diffs.Sum(d => d.Unknown.Count),
        diffs.Sum(d => d.Extraneous.Count));

    public static string StatusName(DiagnosticsStatus status) => Words.ConvertName(status.ToString());

    public static HistoryEntryJson Entry(HistoryEntry e) => new(
        e.Id,
        e.Timestamp.UtcDateTime,
        e.TrackRef,
        e.AnalysisProfileId,
        HistoryWireNames.Of(e.Action),
        [.. e.DescriptorIds.Select(d => d.ToString())],
        HistoryWireNames.Of(e.Status),
        e.DurationMs,
        e.ElementIds,
        HistoryWireNames.Of(e.Trigger),
        e.TriggerDetail,
        e.JobId,
        e.Attempt,
        e.ErrorType,
        e.ErrorMessage);

    private static RowJson Row(DiagnosticsRow row) => new(
        row.Descriptor.ToString(),
        StatusName(row.Status),
        row.LastAnalyzedAt?.UtcDateTime,
        row.Reason,
        row.Owners,
        [.. row.Actions.Select(a => Words.ConvertName(a.ToString()))],
        row.FailedJobId);
}
