namespace AudioVis.Cache.Tests.Cli;

/// <summary>Bad scene files and arguments: one line on stderr, exit 2, no stack trace unless --verbose.</summary>
public sealed class CliSceneErrorTests
{
    private static IEnumerable<TestCaseData> BadScenes()
    {
        yield return new TestCaseData("{ \"formatVersion\": 1, \"tracks\": [ }", "scene.json: $.tracks[0] (line 1): ")
            .SetName("MalformedJson");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"profile\": \"default\"", "\"profile\": \"lowres\"", StringComparison.Ordinal),
            "scene.json: $.elements[2].profile: unknown profile 'lowres'; the scene's profiles are 'hires', 'default'.")
            .SetName("UnknownProfile");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("audio/drop.wav", "audio/missing.wav", StringComparison.Ordinal),
            "scene.json: $.tracks[1].path: the audio file 'audio/missing.wav' does not exist.")
            .SetName("MissingAudio");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"rms@mid\", \"onset", "\"rms@@mid\", \"onset", StringComparison.Ordinal),
            "scene.json: $.elements[1].descriptors[0]: ")
            .SetName("MalformedDescriptorId");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"spectral.flux\"", "\"spectral.sparkle\"", StringComparison.Ordinal),
            "scene.json: $.elements[3].descriptors[1]: 'spectral.sparkle' is not in the descriptor catalogue (docs/descriptors.md).")
            .SetName("UnknownDescriptor");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"hop_size\": 1024", "\"hop_size\": 1024, \"hop\": 3", StringComparison.Ordinal),
            "scene.json: $.profiles[0].parameters.hop (line 9): unknown property 'hop'.")
            .SetName("UnknownProperty");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"hop_size\": 1024", "\"hop_size\": 0", StringComparison.Ordinal),
            "scene.json: $.profiles[0].parameters: HopSize 0 must be from 1 to WindowSize (4096).")
            .SetName("InvalidParameter");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"fft_size\": 4096", "\"fft_size\": \"big\"", StringComparison.Ordinal),
            "scene.json: $.profiles[0].parameters.fft_size (line 9): expected a number.")
            .SetName("WrongType");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"hop_size\": 1024", "\"hop_size\": 1024, \"sample_rate\": \"fast\"", StringComparison.Ordinal),
            "scene.json: $.profiles[0].parameters.sample_rate: \"fast\" is not a sample rate; expected \"native\" or a whole number of Hz.")
            .SetName("BadSampleRate");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"hop_size\": 1024", "\"hop_size\": 1024, \"window\": \"kaiser\"", StringComparison.Ordinal),
            "scene.json: $.profiles[0].parameters.window: 'kaiser' is not one of 'hann', 'hamming', 'blackman', 'rectangular'.")
            .SetName("UnknownWindow");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"track\": \"drop\"", "\"track\": \"outro\"", StringComparison.Ordinal),
            "scene.json: $.elements[3].track: unknown track 'outro'; the scene's tracks are 'intro', 'drop'.")
            .SetName("UnknownTrack");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"id\": \"pulse\"", "\"id\": \"spectrum-bars\"", StringComparison.Ordinal),
            "scene.json: $.elements[1].id: the element id 'spectrum-bars' is used twice.")
            .SetName("DuplicateElement");
        yield return new TestCaseData(CliTestScene.DefaultScene.Replace("\"formatVersion\": 1,", string.Empty, StringComparison.Ordinal),
            "scene.json: $ (line 17): missing required property 'formatVersion'.")
            .SetName("MissingFormatVersion");
    }

    [TestCaseSource(nameof(BadScenes))]
    public async Task BadScene_OneLineOnStderr_ExitTwo(string sceneJson, string expectedError)
    {
        using var scene = new CliTestScene();
        scene.WriteScene(sceneJson);

        var result = await scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.StartWith("error: " + expectedError), result.ToString());
            Assert.That(result.Error.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
            Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(result.Output, Is.Empty);
            Assert.That(Path.Combine(scene.Root, ".audiovis-cache"), Does.Not.Exist, "nothing is created for a bad scene");
        });
    }

    [Test]
    public async Task BadScene_WithVerbose_PrintsTheStackTrace()
    {
        using var scene = new CliTestScene();
        scene.WriteScene("{");

        var result = await scene.RunAsync("status", "{scene}", "--verbose");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("CliInputException"));
            Assert.That(result.Error, Does.Contain(" at AudioVis.Cache.Cli.Scenes.SceneLoader"));
        });
    }

    [Test]
    public async Task SceneFileThatDoesNotExist_ExitTwo()
    {
        using var scene = new CliTestScene();

        var result = await scene.RunAsync("status", Path.Combine(scene.Root, "nope.json"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.StartWith("error: The scene file '").And.EndWith("nope.json' does not exist.\n"));
        });
    }

    [TestCase("frobnicate", "error: Unknown command 'frobnicate'.")]
    [TestCase("check", "error: Command 'check' is missing required argument 'scene'.")]
    [TestCase("regenerate {scene}", "error: Name descriptors with --descriptor ID, or pass --all.")]
    [TestCase("regenerate {scene} --all --descriptor rms", "error: Pass either --all or --descriptor, not both.")]
    [TestCase("regenerate {scene} --descriptor rms@@x", "error: --descriptor 'rms@@x': ")]
    [TestCase("regenerate {scene} --descriptor zcr", "error: --descriptor 'zcr': no element of the scene requests it.")]
    [TestCase("history", "error: Pass a scene file or --cache-dir to find the cache database.")]
    [TestCase("history {scene}", "error: There is no cache in '")]
    [TestCase("status {scene} --frobnicate", "error: Unknown option 'frobnicate'.")]
    public async Task UsageError_OneLineOnStderr_ExitTwo(string commandLine, string expectedError)
    {
        using var scene = new CliTestScene();

        var result = await scene.RunAsync(commandLine.Split(' '));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.StartWith(expectedError), result.ToString());
            Assert.That(result.Error.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
        });
    }

    [TestCase("")]
    [TestCase("demo")]
    [TestCase("status")]
    [TestCase("check")]
    [TestCase("regenerate")]
    [TestCase("history")]
    [TestCase("export")]
    [TestCase("dismiss")]
    [TestCase("rebuild")]
    public async Task Help_OnTheRootAndEveryCommand_ExitsZeroWithUsage(string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];
        var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, args);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("USAGE:"));
            Assert.That(result.Output, Does.Contain(("audiovis-cache " + command).TrimEnd()));
        });
    }
}
