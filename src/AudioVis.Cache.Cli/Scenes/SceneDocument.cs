using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioVis.Cache.Cli.Scenes;

/// <summary>A scene file as written (docs/cli.md, "Scene files"); <see cref="SceneLoader"/> validates it into a <see cref="Scene"/>.</summary>
internal sealed class SceneDocument
{
    public required int FormatVersion { get; init; }

    public string? SceneId { get; init; }

    public required IReadOnlyList<SceneTrackDocument> Tracks { get; init; }

    public IReadOnlyList<SceneProfileDocument>? Profiles { get; init; }

    public required IReadOnlyList<SceneElementDocument> Elements { get; init; }
}

/// <summary>A track: an id elements refer to and an audio file relative to the scene file.</summary>
internal sealed class SceneTrackDocument
{
    public required string Id { get; init; }

    public required string Path { get; init; }
}

/// <summary>An analysis profile: id, display name and the parameters that differ from the defaults.</summary>
internal sealed class SceneProfileDocument
{
    public required string Id { get; init; }

    public string? DisplayName { get; init; }

    public SceneParametersDocument? Parameters { get; init; }
}

/// <summary>Analysis parameters under their canonical names (docs/profiles.md); an absent one keeps its default.</summary>
internal sealed class SceneParametersDocument
{
    [JsonPropertyName("window_size")]
    public int? WindowSize { get; init; }

    [JsonPropertyName("hop_size")]
    public int? HopSize { get; init; }

    [JsonPropertyName("fft_size")]
    public int? FftSize { get; init; }

    [JsonPropertyName("window")]
    public string? Window { get; init; }

    [JsonPropertyName("db_min")]
    public double? MinDecibels { get; init; }

    [JsonPropertyName("db_max")]
    public double? MaxDecibels { get; init; }

    [JsonPropertyName("band_layout")]
    public string? BandLayout { get; init; }

    [JsonPropertyName("band_min_hz")]
    public double? MinBandFrequency { get; init; }

    [JsonPropertyName("band_max_hz")]
    public double? MaxBandFrequency { get; init; }

    /// <summary><c>"native"</c> or a rate in Hz.</summary>
    [JsonPropertyName("sample_rate")]
    public JsonElement? SampleRate { get; init; }
}

/// <summary>A visual element and its analysis intent.</summary>
internal sealed class SceneElementDocument
{
    public required string Id { get; init; }

    public required string Track { get; init; }

    public required string Profile { get; init; }

    public required IReadOnlyList<string> Descriptors { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(SceneDocument))]
internal sealed partial class SceneJsonContext : JsonSerializerContext;
