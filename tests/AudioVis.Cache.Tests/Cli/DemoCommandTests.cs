using ApprovalTests;
using ApprovalTests.Reporters;
using AudioVis.Cache.Cli;
using Spectre.Console;

namespace AudioVis.Cache.Tests.Cli;

[UseReporter(typeof(QuietReporter))]
public sealed class DemoCommandTests
{
    [Test]
    public async Task Demo_RendersIntentsDiffsAndReasons()
    {
        var (exitCode, output) = await RunAsync("demo");

        Assert.That(exitCode, Is.Zero);
        Approvals.Verify(output);
    }

    [Test]
    public async Task UnknownCommand_PrintsUsageAndExitsWithTwo()
    {
        var (exitCode, output) = await RunAsync("frobnicate");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(output, Does.Contain("Unknown command 'frobnicate'."));
            Assert.That(output, Does.Contain("Usage: audiovis-cache [command]"));
        });
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 120;
        var exitCode = await CliApp.RunAsync(args, console, CancellationToken.None);
        return (exitCode, writer.ToString().ReplaceLineEndings("\n"));
    }
}
