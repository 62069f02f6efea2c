using System.Diagnostics;
using System.Reflection;

namespace AudioVis.Cache.Tests.Cli;

/// <summary>The built tool run as a child process, as a build pipeline runs it.</summary>
public sealed class CliProcessTests
{
    private static readonly string CliPath = typeof(CliProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliPath").Value!;

    [Test]
    public async Task Check_AsAChildProcess_ExitsThreeWhenMissing_ZeroAfterRegenerate()
    {
        using var scene = new CliTestScene();

        var missing = await RunAsync(scene, "check", scene.ScenePath);
        var regenerate = await RunAsync(scene, "regenerate", scene.ScenePath, "--all");
        var clean = await RunAsync(scene, "check", scene.ScenePath);
        var bad = await RunAsync(scene, "check", Path.Combine(scene.Root, "audio", "intro.wav"));

        Assert.Multiple(() =>
        {
            Assert.That(missing.ExitCode, Is.EqualTo(3), missing.ToString());
            Assert.That(regenerate.ExitCode, Is.Zero, regenerate.ToString());
            Assert.That(clean.ExitCode, Is.Zero, clean.ToString());
            Assert.That(clean.Output, Does.Contain("Clean: all 7 requested descriptors are current."));
            Assert.That(bad.ExitCode, Is.EqualTo(2), bad.ToString());
            Assert.That(bad.Error, Does.StartWith("error: intro.wav: $ (line 1): "));
        });
    }

    private static async Task<CliResult> RunAsync(CliTestScene scene, params string[] args)
    {
        Assert.That(CliPath, Does.Exist, "the CLI is built before the tests (project reference)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = scene.Root };
        start.ArgumentList.Add(CliPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
