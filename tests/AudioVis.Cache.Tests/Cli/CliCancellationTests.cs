using AudioVis.Cache.Sqlite;

namespace AudioVis.Cache.Tests.Cli;

/// <summary>Ctrl+C (the command's token): exit 130, every job stopped, and nothing half-written.</summary>
public sealed class CliCancellationTests
{
    [Test]
    public async Task Regenerate_CancelledBeforeItStarts_Exits130_AndWritesNoCacheEntry()
    {
        using var scene = new CliTestScene();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await scene.RunWithAsync(TimeProvider.System, cancellation.Token, null, "regenerate", "{scene}", "--all");
        var check = await scene.RunAsync("check", "{scene}", "--json");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
            Assert.That(result.Error.TrimEnd('\n'), Does.Not.Contain('\n'), "one line");
            Assert.That(check.Json().GetProperty("counts").GetProperty("current").GetInt32(), Is.Zero);
        });
    }

    [Test]
    public async Task Regenerate_CancelledWhileAJobRuns_Exits130_EveryEntryWholeOrAbsent()
    {
        // Longer tracks, so the cancellation lands while the analyzer runs.
        using var scene = new CliTestScene(seconds: 20);
        using var cancellation = new CancellationTokenSource();

        var result = await scene.RunWithAsync(
            TimeProvider.System,
            cancellation.Token,
            text =>
            {
                if (text.Contains("started", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            },
            "regenerate",
            "{scene}",
            "--all");
        var check = await scene.RunAsync("check", "{scene}", "--json");
        var history = await scene.RunAsync("history", "{scene}", "--json");
        var rebuild = await scene.RunAsync("rebuild", "{scene}");

        var statuses = check.Json().GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("status").GetString()).ToArray();
        var entries = history.Json().GetProperty("entries").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
            Assert.That(result.Error, Does.StartWith("Cancelled: every job was stopped"));
            Assert.That(statuses, Is.All.EqualTo("missing"), "a descriptor is current (whole) or missing, never stale or corrupt");
            Assert.That(Directory.EnumerateFiles(scene.CacheDirectory, "*.tmp", SearchOption.AllDirectories), Is.Empty, "no temporary blob left behind");
            Assert.That(entries.Where(e => e.GetProperty("errorType").GetString() == "Cancelled"), Is.Not.Empty, "the cancelled job is in the history");
            Assert.That(rebuild.Output, Does.Contain(" 0 removed,"), "every record has its blob");
            Assert.That(rebuild.Output, Does.Not.Contain("Quarantined"), "every blob verifies");
            Assert.That(Path.Combine(scene.CacheDirectory, SqliteCacheOptions.DefaultFileName), Does.Exist);
        });
    }
}
