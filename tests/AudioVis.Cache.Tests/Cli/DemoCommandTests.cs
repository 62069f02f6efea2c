using ApprovalTests;
using ApprovalTests.Reporters;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Cli;

[UseReporter(typeof(QuietReporter))]
public sealed class DemoCommandTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Demo_WalksTheWholeLoopOnRealFiles_MatchesApprovedOutput()
    {
        var result = await CliTestScene.Run(new FakeTimeProvider(Start), CancellationToken.None, null, "demo");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Error, Is.Empty);
        });
        Approvals.Verify(result.Output);
    }

    [Test]
    public async Task NoArguments_RunsTheDemo()
    {
        var result = await CliTestScene.Run(new FakeTimeProvider(Start), CancellationToken.None, null);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("8. Export manifest"));
            Assert.That(result.Output, Does.Contain("Wrote exports/demo/analysis-history.json: 4 history entries."));
        });
    }

    [Test]
    public async Task Demo_InAGivenFolder_KeepsTheSceneCacheAndManifest()
    {
        var folder = Directory.CreateTempSubdirectory("avcache-demo-test-").FullName;
        try
        {
            var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, "demo", "--directory", folder);

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.Zero, result.ToString());
                Assert.That(Path.Combine(folder, "scene.json"), Does.Exist);
                Assert.That(Path.Combine(folder, "audio", "intro.wav"), Does.Exist);
                Assert.That(Path.Combine(folder, ".audiovis-cache", "audiovis-cache.db"), Does.Exist);
                Assert.That(Path.Combine(folder, "exports", "demo", "analysis-history.json"), Does.Exist);
                Assert.That(result.Output, Does.Not.Contain(folder), "no temporary path in the output");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Demo_InAFolderThatIsNotEmpty_ExitTwo_AndTouchesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("avcache-demo-test-").FullName;
        try
        {
            var mine = Path.Combine(folder, "mine.txt");
            File.WriteAllText(mine, "keep me");

            var result = await CliTestScene.Run(TimeProvider.System, CancellationToken.None, null, "demo", "--directory", folder);

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.EqualTo(2));
                Assert.That(result.Error, Does.EndWith("is not empty; pass a new or empty folder.\n"));
                Assert.That(Directory.GetFileSystemEntries(folder), Is.EqualTo(new[] { mine }));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
