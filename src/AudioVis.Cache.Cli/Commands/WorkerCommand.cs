using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using AudioVis.Cache.Cli.Cluster;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>worker</c>.</summary>
internal sealed class WorkerSettings : CliSettings
{
    [CommandOption("--postgres <CONNECTION>")]
    [Description("The Npgsql connection string of the cluster's PostgreSQL database (shared cache and membership table). Required.")]
    public string? Postgres { get; init; }

    [CommandOption("--cache-root <DIR>")]
    [Description("The folder of the feature blobs, shared by every worker (a network share). Default: .audiovis-cache in the current folder.")]
    public string? CacheRoot { get; init; }

    [CommandOption("--scene <FILE>")]
    [Description("A scene file whose analysis profiles the worker knows; its folder is the default --audio-root.")]
    public string? Scene { get; init; }

    [CommandOption("--audio-root <DIR>")]
    [Description("The folder track references are relative to (the same files on every node). Default: the scene's folder, or the current folder.")]
    public string? AudioRoot { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("The Orleans cluster id: clusters sharing one database stay apart. Default: audiovis-cache.")]
    public string? ClusterId { get; init; }

    [CommandOption("--address <IP>")]
    [Description("The IP address other workers and clients reach this one at. Default: this host's address.")]
    public string? Address { get; init; }

    [CommandOption("--port <PORT>")]
    [Description("The silo-to-silo port. Default: 11111.")]
    public int Port { get; init; } = WorkerOptions.DefaultSiloPort;

    [CommandOption("--gateway-port <PORT>")]
    [Description("The port clients (regenerate --cluster) connect to. Default: 30000.")]
    public int GatewayPort { get; init; } = WorkerOptions.DefaultGatewayPort;

    [CommandOption("--parallelism <N>")]
    [Description("How many {track, profile} keys this worker analyses at once. Default: one per core.")]
    public int? Parallelism { get; init; }

    public override ValidationResult Validate() =>
        Postgres is null ? ValidationResult.Error("--postgres <CONNECTION> is required: the connection string of the cluster's PostgreSQL database.")
        : Port is < 1 or > 65535 ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--port {Port}: a TCP port is 1-65535."))
        : GatewayPort is < 1 or > 65535 ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--gateway-port {GatewayPort}: a TCP port is 1-65535."))
        : GatewayPort == Port ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--gateway-port {GatewayPort}: must differ from --port."))
        : Parallelism is < 1 or > 1024 ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--parallelism {Parallelism}: between 1 and 1024."))
        : ValidationResult.Success();
}

/// <summary>
/// <c>worker --postgres &lt;connection&gt;</c>: runs an Orleans silo that analyses regeneration requests of the cluster
/// until Ctrl+C or SIGTERM, which stop it gracefully (its running jobs finish or move to another worker).
/// </summary>
internal sealed class WorkerCommand(CliContext context) : AsyncCommand<WorkerSettings>
{
    /// <summary>The start of the line printed once the worker takes requests.</summary>
    public const string ReadyLine = "worker ready";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public override async Task<int> ExecuteAsync(CommandContext commandContext, WorkerSettings settings, CancellationToken cancellationToken)
    {
        var options = Resolve(settings, context.TimeProvider.GetUtcNow());
        Directory.CreateDirectory(options.CacheRoot);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        using var host = WorkerHost.Build(options);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var silo = host.Services.GetRequiredService<ILocalSiloDetails>();
        context.Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{ReadyLine}: silo {silo.SiloAddress.Endpoint}, gateway {silo.GatewayAddress?.Endpoint}, cluster '{options.Connection.ClusterId}', cache root {options.CacheRoot}, audio root {options.AudioRoot}"));

        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        await host.StopAsync(timeout.Token).ConfigureAwait(false);
        context.Console.WriteLine("worker stopped");
        return ExitCodes.Success;
    }

    internal static WorkerOptions Resolve(WorkerSettings settings, DateTimeOffset now)
    {
        var connection = ClusterConnection.Parse("--postgres", settings.Postgres, settings.ClusterId);
        IReadOnlyList<AnalysisProfile> profiles = [];
        var audioRoot = settings.AudioRoot;
        if (settings.Scene is not null)
        {
            var scene = SceneLoader.Load(settings.Scene, now);
            profiles = scene.Profiles;
            audioRoot ??= scene.Directory;
        }

        audioRoot = Path.GetFullPath(audioRoot ?? Directory.GetCurrentDirectory());
        if (!Directory.Exists(audioRoot))
        {
            throw new CliInputException($"--audio-root '{audioRoot}': the folder does not exist.");
        }

        IPAddress? address = null;
        if (settings.Address is not null && !IPAddress.TryParse(settings.Address, out address))
        {
            throw new CliInputException($"--address '{settings.Address}': not an IP address.");
        }

        return new WorkerOptions(
            connection,
            Path.GetFullPath(settings.CacheRoot ?? ".audiovis-cache"),
            audioRoot,
            profiles,
            address,
            settings.Port,
            settings.GatewayPort,
            settings.Parallelism);
    }
}
