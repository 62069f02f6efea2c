using System.Text.Json;
using AudioVis.Cache.Sqlite;

namespace AudioVis.Cache.Tests.Cli;

/// <summary>The commands on a temporary folder with real WAV files, in-process, checked by output and exit code.</summary>
public sealed class CliCommandTests
{
    private CliTestScene _scene = null!;

    [SetUp]
    public void SetUp() => _scene = new CliTestScene();

    [TearDown]
    public void TearDown() => _scene.Dispose();

    [Test]
    public async Task StatusAndCheck_OnANewCache_ShowEverythingMissing_CheckExitsThree()
    {
        var status = await _scene.RunAsync("status", "{scene}");
        var check = await _scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(status.ExitCode, Is.Zero, status.ToString());
            Assert.That(status.Output, Does.Contain("7 descriptors require regeneration to match 2 analysis profiles."));
            Assert.That(status.Output, Does.Contain("audio/intro.wav · HighRes FFT"));
            Assert.That(status.Output, Does.Contain("[Regenerate All]"));
            Assert.That(check.ExitCode, Is.EqualTo(3), check.ToString());
            Assert.That(check.Output, Does.Contain("Not clean: 7 missing, 0 stale, 0 failed, 0 unavailable of 7 requested descriptors."));
            Assert.That(Path.Combine(_scene.CacheDirectory, SqliteCacheOptions.DefaultFileName), Does.Exist, "the cache lives next to the scene");
        });
    }

    [Test]
    public async Task RegenerateAll_ThenCheck_ExitsZero()
    {
        var regenerate = await _scene.RunAsync("regenerate", "{scene}", "--all");
        var check = await _scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(regenerate.Output, Does.Contain("succeeded job"));
            Assert.That(regenerate.Output, Does.Contain("No banner: every requested descriptor is current."));
            Assert.That(check.ExitCode, Is.Zero, check.ToString());
            Assert.That(check.Output, Does.Contain("Clean: all 7 requested descriptors are current."));
        });
    }

    [Test]
    public async Task RegenerateAll_OnATerminal_ShowsAProgressBarPerJob()
    {
        var regenerate = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, interactive: true, "regenerate", _scene.ScenePath, "--all");
        var check = await _scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(regenerate.Output, Does.Contain("audio/intro.wav · hires: Succeeded"));
            Assert.That(regenerate.Output, Does.Contain("100%"));
            Assert.That(regenerate.Output, Does.Not.Contain("started   job"), "bars instead of lines");
            Assert.That(check.ExitCode, Is.Zero, check.ToString());
        });
    }

    [Test]
    public async Task ProfileParameterChangedInTheScene_StaleWithReason_CheckExitsThree()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        _scene.EditScene("\"hop_size\": 1024", "\"hop_size\": 512");

        var status = await _scene.RunAsync("status", "{scene}");
        var check = await _scene.RunAsync("check", "{scene}", "--json");

        var problems = check.Json().GetProperty("problems").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(status.Output, Does.Contain("4 descriptors require regeneration to match the 'HighRes FFT' profile."));
            Assert.That(status.Output, Does.Contain("Hop size changed from 1024 to 512"));
            Assert.That(check.ExitCode, Is.EqualTo(3), check.ToString());
            Assert.That(problems.Select(p => p.GetProperty("descriptorId").GetString()), Is.EqualTo(new[] { "onset.strength", "rms@mid", "spectrum.bands32@L", "spectrum.bands32@R" }));
            Assert.That(problems.Select(p => p.GetProperty("status").GetString()), Is.All.EqualTo("stale"));
            Assert.That(problems[0].GetProperty("reason").GetString(), Is.EqualTo("profile parameters changed: hop_size: 1024 → 512"));
        });
    }

    [Test]
    public async Task RegenerateDescriptor_OnlyThatDescriptorBecomesCurrent()
    {
        var regenerate = await _scene.RunAsync("regenerate", "{scene}", "--descriptor", "rms@mid");
        var check = await _scene.RunAsync("check", "{scene}", "--json");

        var json = check.Json();
        Assert.Multiple(() =>
        {
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(regenerate.Output, Does.Contain("audio/intro.wav · hires (rms@mid)"));
            Assert.That(json.GetProperty("counts").GetProperty("current").GetInt32(), Is.EqualTo(1));
            Assert.That(
                json.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("descriptorId").GetString()),
                Is.EqualTo(new[] { "onset.strength", "spectral.flux", "waveform.minmax", "onset.strength", "spectrum.bands32@L", "spectrum.bands32@R" }),
                "every other descriptor is still missing, in key order");
        });
    }

    [Test]
    public async Task StatusJson_HasTheDocumentedShape()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--descriptor", "spectral.flux");

        var json = (await _scene.RunAsync("status", "{scene}", "--json")).Json();

        var banner = json.GetProperty("banner");
        var drop = json.GetProperty("tracks")[0];
        var row = drop.GetProperty("profiles")[0].GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("descriptorId").GetString() == "spectral.flux");
        Assert.Multiple(() =>
        {
            Assert.That(Names(json), Is.EqualTo(new[] { "formatVersion", "sceneId", "banner", "counts", "tracks" }));
            Assert.That(json.GetProperty("sceneId").GetString(), Is.EqualTo("demo"));
            Assert.That(Names(banner), Is.EqualTo(new[] { "state", "visible", "blocking", "message", "descriptorCount", "progress", "estimatedSeconds", "actions", "learnMoreLink" }));
            Assert.That(banner.GetProperty("state").GetString(), Is.EqualTo("needsRegeneration"));
            Assert.That(banner.GetProperty("actions").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "regenerateAll", "openDiagnostics", "learnMore" }));
            Assert.That(Names(json.GetProperty("counts")), Is.EqualTo(new[] { "requested", "current", "missing", "stale", "failed", "unavailable", "unknown", "extraneous" }));
            Assert.That(drop.GetProperty("trackRef").GetString(), Is.EqualTo("audio/drop.wav"));
            Assert.That(Names(row), Is.EqualTo(new[] { "descriptorId", "status", "lastAnalyzedAt", "reason", "owners", "actions", "failedJobId" }));
            Assert.That(row.GetProperty("status").GetString(), Is.EqualTo("current"));
            Assert.That(row.GetProperty("lastAnalyzedAt").GetString(), Does.EndWith("Z"));
            Assert.That(row.GetProperty("owners")[0].GetString(), Is.EqualTo("strobe"));
        });
    }

    [Test]
    public async Task History_FiltersByElementStatusAndSince()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--descriptor", "spectral.flux");
        await _scene.RunAsync("regenerate", "{scene}", "--all");

        var all = Entries(await _scene.RunAsync("history", "{scene}", "--json"));
        var strobe = Entries(await _scene.RunAsync("history", "{scene}", "--element", "strobe", "--json"));
        var bars = Entries(await _scene.RunAsync("history", "--cache-dir", _scene.CacheDirectory, "--element", "spectrum-bars", "--json"));
        var failures = Entries(await _scene.RunAsync("history", "{scene}", "--status", "failure", "--json"));
        var lastHour = Entries(await _scene.RunAsync("history", "{scene}", "--since", "1h", "--json"));
        var future = Entries(await _scene.RunAsync("history", "{scene}", "--since", "2999-01-01T00:00:00Z", "--json"));
        var table = await _scene.RunAsync("history", "{scene}", "--limit", "1");

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Length.EqualTo(4), "the selective job, then one job per key that had something to do");
            Assert.That(Names(all[0]), Is.EqualTo(new[]
            {
                "id", "timestamp", "trackRef", "analysisProfileId", "action", "descriptorIds", "status", "durationMs", "elementIds",
                "trigger", "triggerDetail", "jobId", "attempt", "errorType", "errorMessage",
            }));
            Assert.That(strobe.Select(e => e.GetProperty("trackRef").GetString()), Is.EqualTo(new[] { "audio/drop.wav", "audio/drop.wav" }));
            Assert.That(bars.Select(e => e.GetProperty("descriptorIds").GetArrayLength()), Is.EqualTo(new[] { 4 }));
            Assert.That(failures, Is.Empty);
            Assert.That(lastHour, Has.Length.EqualTo(4));
            Assert.That(future, Is.Empty);
            Assert.That(table.Output, Does.Contain("manual_regenerate").And.Contain("success"));
            Assert.That(table.Output.Split('\n').Count(l => l.Contains("manual_regenerate", StringComparison.Ordinal)), Is.EqualTo(1), "--limit 1");
        });
    }

    [Test]
    public async Task Export_WritesTheManifestNextToTheScene()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");

        var export = await _scene.RunAsync("export", "{scene}");

        var manifest = Path.Combine(_scene.Root, "exports", "demo", "analysis-history.json");
        Assert.That(export.ExitCode, Is.Zero, export.ToString());
        Assert.That(manifest, Does.Exist);
        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        Assert.Multiple(() =>
        {
            Assert.That(export.Output, Does.Contain("3 history entries"));
            Assert.That(document.RootElement.GetProperty("sceneId").GetString(), Is.EqualTo("demo"));
            Assert.That(document.RootElement.GetProperty("entries").GetArrayLength(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Export_ToAnotherFolder_WithAnInvalidSceneId_ExitTwo()
    {
        _scene.EditScene("\"sceneId\": \"demo\"", "\"sceneId\": \"a/b\"");

        var export = await _scene.RunAsync("export", "{scene}", "--exports-dir", Path.Combine(_scene.Root, "out"));

        Assert.Multiple(() =>
        {
            Assert.That(export.ExitCode, Is.EqualTo(2), export.ToString());
            Assert.That(export.Error, Does.StartWith("error: scene.json: $.sceneId: "));
        });
    }

    [Test]
    public async Task Dismiss_RemovesEntriesNoElementRequests_AndRecordsThem()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        _scene.EditScene("\"descriptors\": [\"rms@mid\", \"onset.strength\"]", "\"descriptors\": [\"rms@mid\"]");
        var before = (await _scene.RunAsync("status", "{scene}", "--json")).Json();

        var dismiss = await _scene.RunAsync("dismiss", "{scene}");
        var after = (await _scene.RunAsync("status", "{scene}", "--json")).Json();
        var history = Entries(await _scene.RunAsync("history", "{scene}", "--json"));

        Assert.Multiple(() =>
        {
            Assert.That(before.GetProperty("counts").GetProperty("extraneous").GetInt32(), Is.EqualTo(1));
            Assert.That(dismiss.ExitCode, Is.Zero, dismiss.ToString());
            Assert.That(dismiss.Output, Does.Contain("Dismissed onset.strength of audio/intro.wav · hires"));
            Assert.That(dismiss.Output, Does.Contain("1 extraneous entry dismissed."));
            Assert.That(after.GetProperty("counts").GetProperty("extraneous").GetInt32(), Is.Zero);
            Assert.That(after.GetProperty("counts").GetProperty("current").GetInt32(), Is.EqualTo(6), "nothing else touched");
            Assert.That(history.Count(e => e.GetProperty("action").GetString() == "dismissed"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dismiss_AGroupNoElementRequestsAnyMore()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        _scene.EditScene("\"track\": \"drop\", \"profile\": \"default\"", "\"track\": \"drop\", \"profile\": \"hires\"");

        var dismiss = await _scene.RunAsync("dismiss", "{scene}", "--descriptor", "spectral.flux");
        var check = await _scene.RunAsync("check", "{scene}", "--json");

        Assert.Multiple(() =>
        {
            Assert.That(dismiss.ExitCode, Is.Zero, dismiss.ToString());
            Assert.That(dismiss.Output, Does.Contain("Dismissed spectral.flux of audio/drop.wav · default"));
            Assert.That(check.Json().GetProperty("counts").GetProperty("missing").GetInt32(), Is.EqualTo(2), "drop · hires is new");
        });
    }

    [Test]
    public async Task Dismiss_KeepsEntriesOfAProfileTheSceneNoLongerDeclares()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        _scene.EditScene("\"profile\": \"hires\", \"descriptors\": [\"rms@mid\", \"onset.strength\"]", "\"profile\": \"default\", \"descriptors\": [\"rms@mid\", \"onset.strength\"]");
        _scene.EditScene("\"profile\": \"hires\", \"descriptors\": [\"spectrum.bands32@L\", \"spectrum.bands32@R\"]", "\"profile\": \"default\", \"descriptors\": [\"spectrum.bands32@L\", \"spectrum.bands32@R\"]");
        _scene.EditScene("\"id\": \"hires\"", "\"id\": \"hires2\"");

        var dismiss = await _scene.RunAsync("dismiss", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(dismiss.ExitCode, Is.Zero, dismiss.ToString());
            Assert.That(dismiss.Output, Does.Contain("Kept the entries of audio/intro.wav · hires: the scene does not declare the profile 'hires'"));
            Assert.That(dismiss.Output, Does.Contain("0 extraneous entries dismissed."));
        });
    }

    [Test]
    public async Task Rebuild_AfterTheDatabaseIsLost_RestoresACleanCache()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        foreach (var file in Directory.GetFiles(_scene.CacheDirectory, SqliteCacheOptions.DefaultFileName + "*"))
        {
            File.Delete(file);
        }

        var lost = await _scene.RunAsync("check", "{scene}");
        var rebuild = await _scene.RunAsync("rebuild", "{scene}");
        var check = await _scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(lost.ExitCode, Is.EqualTo(3), "without the database every descriptor is missing");
            Assert.That(rebuild.ExitCode, Is.Zero, rebuild.ToString());
            Assert.That(rebuild.Output, Does.Contain("7 blobs scanned, 7 records written, 0 removed, 3 track · profile groups."));
            Assert.That(check.ExitCode, Is.Zero, check.ToString());
        });
    }

    [Test]
    public async Task Rebuild_TempFileOfAnEndedWriter_RemovedAndReported()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        var blob = Directory.GetFiles(_scene.CacheDirectory, "*.avcf", SearchOption.AllDirectories)[0];
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await ended.WaitForExitAsync();
        var temp = Path.Combine(Path.GetDirectoryName(blob)!, AudioVis.Cache.Internal.TempFileNames.Create(Path.GetFileName(blob), AudioVis.Cache.Internal.TempFileNames.LocalHost, ended.Id));
        await File.WriteAllTextAsync(temp, "partial");

        var rebuild = await _scene.RunAsync("rebuild", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(rebuild.ExitCode, Is.Zero, rebuild.ToString());
            Assert.That(rebuild.Output, Does.Contain("Removed 1 temporary files left by writers that ended mid-write."));
            Assert.That(temp, Does.Not.Exist);
        });
    }

    [Test]
    public async Task CorruptDatabase_OneLineAndExitOne_RebuildSetsItAsideAndRestoresTheCache()
    {
        await _scene.RunAsync("regenerate", "{scene}", "--all");
        foreach (var file in Directory.GetFiles(_scene.CacheDirectory, SqliteCacheOptions.DefaultFileName + "*"))
        {
            File.Delete(file);
        }

        var database = Path.Combine(_scene.CacheDirectory, SqliteCacheOptions.DefaultFileName);
        File.WriteAllText(database, "this is not a database, just text that is long enough to have a header");

        var status = await _scene.RunAsync("status", "{scene}");
        var rebuild = await _scene.RunAsync("rebuild", "{scene}");
        var check = await _scene.RunAsync("check", "{scene}");

        Assert.Multiple(() =>
        {
            Assert.That(status.ExitCode, Is.EqualTo(1), status.ToString());
            Assert.That(status.Error, Does.StartWith("error: The cache database '").And.Contain("(NotADatabase)"));
            Assert.That(status.Error.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
            Assert.That(rebuild.ExitCode, Is.Zero, rebuild.ToString());
            Assert.That(rebuild.Output, Does.Contain("7 records written"));
            Assert.That(Directory.GetFiles(_scene.CacheDirectory, SqliteCacheOptions.DefaultFileName + ".unusable-*"), Has.Length.EqualTo(1), "set aside, not deleted");
            Assert.That(check.ExitCode, Is.Zero, check.ToString());
        });
    }

    private static JsonElement[] Entries(CliResult result)
    {
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return [.. result.Json().GetProperty("entries").EnumerateArray()];
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
