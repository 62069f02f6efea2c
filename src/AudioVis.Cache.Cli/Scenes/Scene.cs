using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Cli.Scenes;

/// <summary>A validated scene: where it is, its profiles, and one analysis intent per element.</summary>
internal sealed class Scene
{
    public Scene(string filePath, string sceneId, IReadOnlyList<SceneTrack> tracks, IReadOnlyList<AnalysisProfile> profiles, IReadOnlyList<AnalysisIntent> intents)
    {
        FilePath = filePath;
        Directory = Path.GetDirectoryName(filePath)!;
        SceneId = sceneId;
        Tracks = tracks;
        Profiles = profiles;
        Intents = intents;
    }

    /// <summary>Gets the full path of the scene file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the folder of the scene file: the audio root (track references are relative to it).</summary>
    public string Directory { get; }

    /// <summary>Gets the scene id (the export manifest's folder name).</summary>
    public string SceneId { get; }

    /// <summary>Gets the tracks, in file order.</summary>
    public IReadOnlyList<SceneTrack> Tracks { get; }

    /// <summary>Gets the profiles the scene declares (the library's <c>default</c> is added unless the scene declares its own).</summary>
    public IReadOnlyList<AnalysisProfile> Profiles { get; }

    /// <summary>Gets one intent per element, in file order.</summary>
    public IReadOnlyList<AnalysisIntent> Intents { get; }

    /// <summary>Gets the default cache folder: <c>.audiovis-cache</c> next to the scene file.</summary>
    public string DefaultCacheDirectory => DefaultCacheDirectoryOf(FilePath);

    public static string DefaultCacheDirectoryOf(string sceneFile) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sceneFile))!, ".audiovis-cache");
}

/// <summary>A track of a scene: its id in the file and its track reference (the path relative to the scene, with <c>/</c>).</summary>
internal sealed record SceneTrack(string Id, string TrackRef);
