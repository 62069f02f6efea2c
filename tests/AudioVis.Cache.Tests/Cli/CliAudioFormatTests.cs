namespace AudioVis.Cache.Tests.Cli;

/// <summary>MP3 and Ogg Vorbis tracks go through the library's default resolver and decoders; an undecodable file is reported, not thrown.</summary>
public sealed class CliAudioFormatTests
{
    private const string Scene = """
        {
          "formatVersion": 1,
          "tracks": [
            { "id": "mp3", "path": "audio/sine.mp3" },
            { "id": "ogg", "path": "audio/sine.ogg" }
          ],
          "elements": [
            { "id": "meter", "track": "mp3", "profile": "default", "descriptors": ["rms", "spectral.centroid"] },
            { "id": "scope", "track": "ogg", "profile": "default", "descriptors": ["rms@L", "spectrum.bands16"] }
          ]
        }
        """;

    [Test]
    public async Task Mp3AndOggTracks_Regenerate_ThenCheckIsClean()
    {
        using var scene = new CliTestScene(Scene);
        var fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Analysis", "Audio", "Fixtures");
        File.Copy(Path.Combine(fixtures, "sine-440-660.mp3"), Path.Combine(scene.Root, "audio", "sine.mp3"));
        File.Copy(Path.Combine(fixtures, "sine-440-660.ogg"), Path.Combine(scene.Root, "audio", "sine.ogg"));

        var regenerate = await scene.RunAsync("regenerate", "{scene}", "--all");
        var check = await scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(check.ExitCode, Is.Zero, check.ToString());
            Assert.That(check.Output, Does.Contain("Clean: all 4 requested descriptors are current."));
        });
    }

    [Test]
    public async Task UndecodableTrack_IsUnavailableWithItsReason_CheckExitsThree()
    {
        using var scene = new CliTestScene();
        File.WriteAllText(Path.Combine(scene.Root, "audio", "drop.wav"), "not audio");

        var status = await scene.RunAsync("status", "{scene}", "--json");
        var check = await scene.RunAsync("check", "{scene}", "--json");

        var unavailable = check.Json().GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("status").GetString() == "unavailable").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(status.Json().GetProperty("counts").GetProperty("unavailable").GetInt32(), Is.EqualTo(2));
            Assert.That(check.ExitCode, Is.EqualTo(3));
            Assert.That(unavailable.Select(p => p.GetProperty("trackRef").GetString()), Is.All.EqualTo("audio/drop.wav"));
            Assert.That(unavailable[0].GetProperty("reason").GetString(), Does.Contain("Undecodable"));
        });
    }

    [Test]
    public async Task RegeneratingAnUndecodableTrack_Fails_ExitOne_AndTheHistoryRecordsTheFailure()
    {
        using var scene = new CliTestScene();
        File.WriteAllText(Path.Combine(scene.Root, "audio", "drop.wav"), "not audio");

        var regenerate = await scene.RunAsync("regenerate", "{scene}", "--descriptor", "spectral.flux");
        var failures = await scene.RunAsync("history", "{scene}", "--status", "failure", "--json");
        var successes = await scene.RunAsync("history", "{scene}", "--status", "success", "--json");

        var entries = failures.Json().GetProperty("entries").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.EqualTo(1), regenerate.ToString());
            Assert.That(regenerate.Output, Does.Contain("failed    job 1: audio/drop.wav · default (spectral.flux)"));
            Assert.That(entries, Has.Length.EqualTo(1));
            Assert.That(entries[0].GetProperty("errorType").GetString(), Does.EndWith("Exception"));
            Assert.That(successes.Json().GetProperty("entries").GetArrayLength(), Is.Zero);
        });
    }
}
