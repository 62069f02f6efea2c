using AudioVis.Cache.Cli;
using Spectre.Console;

using var cancellation = new CancellationTokenSource();
// Ctrl+C cancels the command (jobs stop, nothing is half-written) instead of killing the process; exit code 130.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Logs and CI pages are wider than the 80 columns Spectre.Console assumes without a terminal.
    console.Profile.Width = 120;
}

return await CliApp.RunAsync(args, new CliContext(console, Console.Error, TimeProvider.System), cancellation.Token).ConfigureAwait(false);
