using AudioVis.Cache.Cli.Commands;
using AudioVis.Cache.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli;

/// <summary>The <c>audiovis-cache</c> command line: the commands, and what an error becomes (one line on stderr and an exit code).</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton(context);
        var app = new CommandApp<DemoCommand>(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("audiovis-cache");
            config.ConfigureConsole(context.Console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Write two synthetic tracks and a scene into a temporary folder and walk the whole loop on them (the default command).")
                .WithExample("demo");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Show the banner and the diagnostics panel of a scene's cache.")
                .WithExample("status", "scene.json").WithExample("status", "scene.json", "--json");
            config.AddCommand<CheckCommand>("check")
                .WithDescription("Exit 0 when every requested descriptor is current, 3 when any is missing, stale, failed or unavailable.")
                .WithExample("check", "scene.json").WithExample("check", "scene.json", "--json");
            config.AddCommand<RegenerateCommand>("regenerate")
                .WithDescription("Regenerate the missing and stale descriptors (--all) or the named ones (--descriptor), with progress; Ctrl+C cancels.")
                .WithExample("regenerate", "scene.json", "--all").WithExample("regenerate", "scene.json", "--descriptor", "rms@mid")
                .WithExample("regenerate", "scene.json", "--all", "--cluster", "\"Host=db;Database=audiovis;Username=render\"");
            config.AddCommand<HistoryCommand>("history")
                .WithDescription("List the regeneration history of a scene's cache, newest first.")
                .WithExample("history", "scene.json", "--status", "failure", "--since", "7d").WithExample("history", "--cache-dir", ".audiovis-cache", "--json");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write the export manifest (exports/<scene id>/analysis-history.json).")
                .WithExample("export", "scene.json");
            config.AddCommand<DismissCommand>("dismiss")
                .WithDescription("Remove extraneous cache entries: cached descriptors no element requests any more.")
                .WithExample("dismiss", "scene.json").WithExample("dismiss", "scene.json", "--descriptor", "spectrum.db@side");
            config.AddCommand<WorkerCommand>("worker")
                .WithDescription("Run a cluster worker: an Orleans silo that analyses the regeneration jobs of a shared PostgreSQL cache, until Ctrl+C or SIGTERM.")
                .WithExample("worker", "--postgres", "\"Host=db;Database=audiovis;Username=render\"", "--cache-root", "/mnt/share/avcache", "--scene", "scene.json");
            config.AddCommand<RebuildCommand>("rebuild")
                .WithDescription("Rebuild the cache database from the feature blobs (after it was lost or replaced).")
                .WithExample("rebuild", "scene.json");
        });

        try
        {
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is CliInputException or CommandAppException)
        {
            return await ReportAsync(context, args, e, ExitCodes.Usage).ConfigureAwait(false);
        }
        catch (CacheDatabaseException e)
        {
            return await ReportAsync(context, args, e, ExitCodes.Failure).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last resort of a command line: any other failure is one line (or the stack trace with --verbose) and exit 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return await ReportAsync(context, args, e, ExitCodes.Failure).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportAsync(CliContext context, string[] args, Exception error, int exitCode)
    {
        var verbose = args.Contains("--verbose", StringComparer.Ordinal) || args.Contains("-v", StringComparer.Ordinal);
        var message = verbose ? error.ToString() : $"error: {error.Message.ReplaceLineEndings(" ")}";
        await context.Error.WriteLineAsync(message).ConfigureAwait(false);
        return exitCode;
    }
}
