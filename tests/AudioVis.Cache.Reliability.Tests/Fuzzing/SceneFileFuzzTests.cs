using AudioVis.Cache.Cli;
using AudioVis.Cache.Cli.Commands;
using AudioVis.Cache.Cli.Scenes;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>The CLI's scene file reader (SceneLoader) over damaged copies of the demo scene.</summary>
public sealed class SceneFileFuzzTests
{
    [Test]
    public void Load_DamagedScene_ReadsItOrThrowsCliInputExceptionNamingTheFile()
    {
        using var folder = new FuzzFolder();
        foreach (var audio in new[] { "intro.wav", "drop.wav" })
        {
            Directory.CreateDirectory(Path.Combine(folder.Path, "audio"));
            File.WriteAllBytes(Path.Combine(folder.Path, "audio", audio), []);
        }

        FuzzHarness.Run(
            "SceneLoader.Load",
            FuzzFile.In(folder.Path, JsonMutations.Of(DemoCommand.SceneJson), ".json"),
            file => file.Read(path =>
            {
                var scene = SceneLoader.Load(path, DateTimeOffset.UnixEpoch);
                Assert.That(scene.Tracks.Select(t => Path.Combine(scene.Directory, t.TrackRef)), Has.All.Matches<string>(File.Exists), "a loaded scene's audio exists");
            }),
            [typeof(CliInputException)],
            file => file.Name,
            fast: 3_000,
            print: file => file.Print());
    }
}
