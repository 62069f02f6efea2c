namespace AudioVis.Cache.Tests.Cli;

public sealed class SceneParametersTests
{
    private const string Scene = """
        {
          // Comments and trailing commas are allowed.
          "formatVersion": 1,
          "tracks": [ { "id": "intro", "path": "audio/intro.wav" } ],
          "profiles": [
            {
              "id": "every-parameter",
              "parameters": {
                "window_size": 1024, "hop_size": 256, "fft_size": 2048, "window": "blackman", "db_min": -90, "db_max": -1.5,
                "band_layout": "mel", "band_min_hz": 40, "band_max_hz": 16000, "sample_rate": 22050,
              },
            },
            { "id": "native", "displayName": "Native rate", "parameters": { "sample_rate": "native" } },
          ],
          "elements": [
            { "id": "a", "track": "intro", "profile": "every-parameter", "descriptors": ["spectrum.bands16@L", "rms"] },
            { "id": "b", "track": "intro", "profile": "native", "descriptors": ["spectrum.db"] },
          ],
        }
        """;

    [Test]
    public async Task EveryParameter_IsRead_AndTheProfilesAnalyse()
    {
        using var scene = new CliTestScene(Scene);

        var regenerate = await scene.RunAsync("regenerate", "{scene}", "--all");
        var status = await scene.RunAsync("status", "{scene}");
        scene.EditScene("\"sample_rate\": 22050", "\"sample_rate\": 16000");
        var check = await scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(status.Output, Does.Contain("audio/intro.wav · every-parameter"), "no display name: the id");
            Assert.That(status.Output, Does.Contain("audio/intro.wav · Native rate"));
            Assert.That(status.Output, Does.Contain("No banner"));
            Assert.That(check.ExitCode, Is.EqualTo(3));
            Assert.That(check.Output, Does.Contain("sample_rate: 22050 → 16000"));
        });
    }
}
