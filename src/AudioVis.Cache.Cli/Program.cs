using AudioVis.Cache.Cli;
using Spectre.Console;

using var cancellation = new CancellationTokenSource();
// The first Ctrl+C cancels the command (jobs stop, nothing is half-written; exit code 130); a second one ends the process.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Logs and CI pages are wider than the 80 columns Spectre.Console assumes without a terminal.
    console.Profile.Width = 120;
}

return await CliApp.RunAsync(args, new CliContext(console, Console.Error, TimeProvider.System), cancellation.Token).ConfigureAwait(false);
