using Spectre.Console;

namespace AudioVis.Cache.Cli;

/// <summary>The <c>audiovis-cache</c> command line: dispatches to the commands.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var command = args.Length == 0 ? "demo" : args[0];
        switch (command)
        {
            case "demo":
                await DemoCommand.RunAsync(console, cancellationToken).ConfigureAwait(false);
                return 0;
            case "-h" or "--help" or "help":
                WriteUsage(console);
                return 0;
            default:
                console.MarkupLineInterpolated($"[red]Unknown command '{command}'.[/]");
                WriteUsage(console);
                return 2;
        }
    }

    private static void WriteUsage(IAnsiConsole console)
    {
        console.WriteLine("Usage: audiovis-cache [command]");
        console.WriteLine();
        console.WriteLine("Commands:");
        console.WriteLine("  demo    Publish analysis intents against a seeded cache and show the diffs (default).");
        console.WriteLine("  help    Show this help.");
    }
}
