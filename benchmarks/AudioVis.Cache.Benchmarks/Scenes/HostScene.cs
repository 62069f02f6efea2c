using System.Text.Json.Serialization;

namespace AudioVis.Cache.Benchmarks.Scenes;

/// <summary>
/// A representative host scene: what a visualiser saves for each element (layout, style, animation curves, effect
/// parameters) and the audio binding our library reads from it. The library never sees this type: the host maps each
/// element's binding to an analysis intent.
/// </summary>
internal sealed record HostScene(string Id, string Name, int Version, IReadOnlyList<HostTrack> Tracks, IReadOnlyList<HostElement> Elements);

internal sealed record HostTrack(string Id, string Path, double DurationSeconds);

internal sealed record HostElement(
    string Id,
    string Name,
    string Kind,
    int Layer,
    HostTransform Transform,
    string Color,
    string BlendMode,
    IReadOnlyList<HostKeyframe> Keyframes,
    IReadOnlyDictionary<string, double> Effect,
    HostAudioBinding Binding);

internal sealed record HostTransform(double X, double Y, double Width, double Height, double Rotation, double Opacity);

internal sealed record HostKeyframe(double Time, string Property, double Value, string Easing);

/// <summary>Which audio features drive the element: the part the library turns into an analysis intent.</summary>
internal sealed record HostAudioBinding(string Track, string Profile, IReadOnlyList<string> Descriptors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HostScene))]
internal sealed partial class HostSceneJsonContext : JsonSerializerContext;
