using AudioVis.Cache.Cli;
using Spectre.Console;

return await CliApp.RunAsync(args, AnsiConsole.Console, CancellationToken.None).ConfigureAwait(false);
