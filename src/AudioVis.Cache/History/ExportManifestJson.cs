using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.History;

/// <summary>
/// The wire shape of <c>analysis-history.json</c> (format version 1), serialized with System.Text.Json source generation.
/// Property order is declaration order; docs/export-manifest.md and docs/schemas/analysis-history.v1.schema.json describe it.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NewLine = "\n",
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(DescriptorIdJsonConverter)])]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class ExportManifestJsonContext : JsonSerializerContext
{
    /// <summary>Gets the context the manifest is written and read with: the attribute's options plus an encoder that keeps '+', '→' and other non-ASCII text readable (the file is never embedded in HTML).</summary>
    public static ExportManifestJsonContext Manifest { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new DescriptorIdJsonConverter() },
    });
}

/// <summary>The manifest's root object.</summary>
internal sealed class ManifestDocument
{
    [JsonRequired]
    public int FormatVersion { get; set; }

    [JsonRequired]
    public string SceneId { get; set; } = "";

    [JsonRequired]
    public DateTime GeneratedAt { get; set; }

    [JsonRequired]
    public DateTime? PreviousExportAt { get; set; }

    [JsonRequired]
    public ManifestTimeRange? TimeRange { get; set; }

    [JsonRequired]
    public ManifestCounts Counts { get; set; } = new();

    [JsonRequired]
    public int EntriesSincePreviousExport { get; set; }

    [JsonRequired]
    public IReadOnlyList<ManifestDescriptor> Descriptors { get; set; } = [];

    [JsonRequired]
    public IReadOnlyList<ManifestEntry> Entries { get; set; } = [];
}

/// <summary>The oldest and newest entry timestamps.</summary>
internal sealed class ManifestTimeRange
{
    [JsonRequired]
    public DateTime From { get; set; }

    [JsonRequired]
    public DateTime To { get; set; }
}

/// <summary>Entry counts; every key is always written.</summary>
internal sealed class ManifestCounts
{
    [JsonRequired]
    public ManifestActionCounts ByAction { get; set; } = new();

    [JsonRequired]
    public ManifestStatusCounts ByStatus { get; set; } = new();
}

/// <summary>Entries per action, keyed by wire name.</summary>
internal sealed class ManifestActionCounts
{
    [JsonRequired]
    [JsonPropertyName("auto_regenerate")]
    public int AutoRegenerate { get; set; }

    [JsonRequired]
    [JsonPropertyName("manual_regenerate")]
    public int ManualRegenerate { get; set; }

    [JsonRequired]
    [JsonPropertyName("dismissed")]
    public int Dismissed { get; set; }
}

/// <summary>Entries per status, keyed by wire name.</summary>
internal sealed class ManifestStatusCounts
{
    [JsonRequired]
    [JsonPropertyName("success")]
    public int Success { get; set; }

    [JsonRequired]
    [JsonPropertyName("failure")]
    public int Failure { get; set; }
}

/// <summary>The last entry that touched one {track, profile, descriptor}.</summary>
internal sealed class ManifestDescriptor
{
    [JsonRequired]
    public string TrackRef { get; set; } = "";

    [JsonRequired]
    public string AnalysisProfileId { get; set; } = "";

    [JsonRequired]
    public DescriptorId DescriptorId { get; set; } = null!;

    [JsonRequired]
    public string Action { get; set; } = "";

    [JsonRequired]
    public string Status { get; set; } = "";

    [JsonRequired]
    public DateTime Timestamp { get; set; }

    [JsonRequired]
    public Guid EntryId { get; set; }

    [JsonRequired]
    public string? ErrorType { get; set; }
}

/// <summary>One <see cref="HistoryEntry"/>, every field.</summary>
internal sealed class ManifestEntry
{
    [JsonRequired]
    public Guid Id { get; set; }

    [JsonRequired]
    public DateTime Timestamp { get; set; }

    [JsonRequired]
    public string TrackRef { get; set; } = "";

    [JsonRequired]
    public string AnalysisProfileId { get; set; } = "";

    [JsonRequired]
    public string Action { get; set; } = "";

    [JsonRequired]
    public IReadOnlyList<DescriptorId> DescriptorIds { get; set; } = [];

    [JsonRequired]
    public string Status { get; set; } = "";

    [JsonRequired]
    public long DurationMs { get; set; }

    [JsonRequired]
    public IReadOnlyList<string> ElementIds { get; set; } = [];

    [JsonRequired]
    public string Trigger { get; set; } = "";

    [JsonRequired]
    public string? TriggerDetail { get; set; }

    [JsonRequired]
    public long? JobId { get; set; }

    [JsonRequired]
    public int Attempt { get; set; }

    [JsonRequired]
    public string? ErrorType { get; set; }

    [JsonRequired]
    public string? ErrorMessage { get; set; }

    public static ManifestEntry From(HistoryEntry entry) => new()
    {
        Id = entry.Id,
        Timestamp = entry.Timestamp.UtcDateTime,
        TrackRef = entry.TrackRef,
        AnalysisProfileId = entry.AnalysisProfileId,
        Action = HistoryWireNames.Of(entry.Action),
        DescriptorIds = entry.DescriptorIds,
        Status = HistoryWireNames.Of(entry.Status),
        DurationMs = entry.DurationMs,
        ElementIds = entry.ElementIds,
        Trigger = HistoryWireNames.Of(entry.Trigger),
        TriggerDetail = entry.TriggerDetail,
        JobId = entry.JobId,
        Attempt = entry.Attempt,
        ErrorType = entry.ErrorType,
        ErrorMessage = entry.ErrorMessage,
    };
}

/// <summary>Writes a <see cref="DescriptorId"/> as its canonical text ("rms@L") and parses it back.</summary>
internal sealed class DescriptorIdJsonConverter : JsonConverter<DescriptorId>
{
    public override DescriptorId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? DescriptorId.Parse(reader.GetString()!)
            : throw new JsonException($"A descriptor id is a string, not {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, DescriptorId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
