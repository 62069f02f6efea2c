using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace AudioVis.Cache.TestServers;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> into a temporary folder, started with <c>pg_ctl</c> on a
/// free loopback port (TCP only, trust authentication), stopped and deleted on dispose. Never a system service.
/// </summary>
/// <remarks>
/// <para>The binaries come from Debian's <c>postgresql</c> package (<c>/usr/lib/postgresql/N/bin</c>) or from the
/// folder named by <c>AUDIOVIS_POSTGRES_BIN</c>. When they are missing and the process runs as root on a machine
/// with <c>apt-get</c>, the package is installed once (under a machine-wide lock, without its default cluster), so
/// the README's test command passes on a fresh machine. Otherwise starting fails with a message that says what to
/// install: tests that need PostgreSQL never skip silently.</para>
/// <para>PostgreSQL refuses to run as root: as root the server runs as the <c>postgres</c> user the package creates.</para>
/// </remarks>
internal sealed class PostgreSqlTestServer : IAsyncDisposable
{
    /// <summary>The superuser the cluster is created with (trust authentication on loopback).</summary>
    public const string UserName = "audiovis";

    private const string BinFolderVariable = "AUDIOVIS_POSTGRES_BIN";
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly string _bin;
    private readonly string _folder;
    private readonly string? _runAs;
    private int _databaseCounter;
    private bool _stopped;
    private Process? _watchdog;

    private PostgreSqlTestServer(string bin, string folder, string? runAs, int port)
    {
        _bin = bin;
        _folder = folder;
        _runAs = runAs;
        Port = port;
    }

    /// <summary>Gets the loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the cluster's data folder (deleted on dispose).</summary>
    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Gets the server log (kept next to the data folder; read it when a test fails).</summary>
    public string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>Gets a connection string to the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    /// <summary>Builds an Npgsql connection string for a database of this server.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>The connection string (no password: trust authentication).</returns>
    public string ConnectionStringFor(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={UserName};Database={database}");

    /// <summary>Creates, initialises and starts a new cluster.</summary>
    /// <param name="cancellationToken">Cancels the start (the folder is removed).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed and cannot be installed here, or the server did not start; the message says why.</exception>
    public static async Task<PostgreSqlTestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = await FindOrInstallBinariesAsync(cancellationToken).ConfigureAwait(false);
        var runAs = IsRoot() ? "postgres" : null;
        var folder = Path.Combine(Path.GetTempPath(), "audiovis-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [runAs + ":" + runAs, folder], null, cancellationToken).ConfigureAwait(false);
            }

            var data = Path.Combine(folder, "data");
            await RunAsync(
                Path.Combine(bin, "initdb"),
                ["-D", data, "-U", UserName, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
                runAs,
                cancellationToken).ConfigureAwait(false);

            // Two tries: the port is free when picked but another process may take it before the server binds it.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                var server = new PostgreSqlTestServer(bin, folder, runAs, port);
                var options = string.Create(
                    CultureInfo.InvariantCulture,
                    $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=300 -c shared_buffers=32MB");
                try
                {
                    await RunAsync(
                        Path.Combine(bin, "pg_ctl"),
                        ["-D", data, "-l", server.LogFile, "-o", options, "-w", "-t", "60", "start"],
                        runAs,
                        cancellationToken).ConfigureAwait(false);
                    server.StartWatchdog();
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 2)
                {
                    // Retried with another port; the log explains the first failure.
                }
            }
        }
        catch
        {
            TryDeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    /// <param name="prefix">A readable prefix for the database name (letters, digits and underscores).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The connection string of the new database.</returns>
    public async Task<string> CreateDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid().ToString("N")[..8]}").ToLowerInvariant();
        await RunAsync(
            Path.Combine(_bin, "createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", UserName, name],
            null,
            cancellationToken).ConfigureAwait(false);
        return ConnectionStringFor(name);
    }

    /// <summary>Stops the server immediately (as a crash would) and deletes its folder.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            StopWatchdog();
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], _runAs, CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already stopped (a test stopped or killed it); the folder is removed either way.
            }

            TryDeleteFolder(_folder);
        }
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected) without deleting its data, for reconnection tests.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the server is down.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "stop"], _runAs, cancellationToken);

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again on the same port.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=300 -c shared_buffers=32MB");
        return RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], _runAs, cancellationToken);
    }

    /// <summary>
    /// Starts a shell that stops the server and deletes its folder once this test process is gone, so a test run that is
    /// killed (a timeout, Ctrl+C) leaves no server running and no folder behind.
    /// </summary>
    private void StartWatchdog()
    {
        var stop = $"{(_runAs is null ? string.Empty : $"runuser -u {_runAs} -- ")}'{Path.Combine(_bin, "pg_ctl")}' -D '{DataFolder}' -m immediate -w stop";
        var script = string.Create(
            CultureInfo.InvariantCulture,
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{_folder}'");
        var start = new ProcessStartInfo { FileName = "sh", UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        _watchdog = Process.Start(start);
    }

    private void StopWatchdog()
    {
        try
        {
            _watchdog?.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _watchdog?.Dispose();
        _watchdog = null;
    }

    private static async Task<string> FindOrInstallBinariesAsync(CancellationToken cancellationToken)
    {
        if (FindBinaries() is { } found)
        {
            return found;
        }

        var explicitFolder = Environment.GetEnvironmentVariable(BinFolderVariable);
        if (!string.IsNullOrEmpty(explicitFolder))
        {
            throw new InvalidOperationException($"{BinFolderVariable} is '{explicitFolder}', but that folder has no initdb, pg_ctl and createdb.");
        }

        if (!IsRoot() || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed: these tests start a throwaway PostgreSQL server and need initdb and pg_ctl. "
                + "Install Debian's 'postgresql' package (sudo apt-get install postgresql) or set "
                + BinFolderVariable + " to a folder holding initdb, pg_ctl and createdb.");
        }

        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Test assemblies run in parallel processes: a machine-wide lock file keeps to one apt-get at a time.
            await using var machineLock = await AcquireMachineLockAsync(cancellationToken).ConfigureAwait(false);
            if (FindBinaries() is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            // Without this the package creates and starts a default cluster as a system service; tests never use one.
            Directory.CreateDirectory("/etc/postgresql-common");
            var createCluster = "/etc/postgresql-common/createcluster.conf";
            if (!File.Exists(createCluster))
            {
                await File.WriteAllTextAsync(createCluster, "create_main_cluster = false\n", cancellationToken).ConfigureAwait(false);
            }

            await RunAsync("apt-get", ["update", "-qq"], null, cancellationToken, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            await RunAsync(
                "apt-get",
                ["install", "-y", "-qq", "-o", "Dpkg::Options::=--force-confold", "postgresql"],
                null,
                cancellationToken,
                TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        }
        finally
        {
            InstallGate.Release();
        }

        return FindBinaries()
            ?? throw new InvalidOperationException("apt-get installed 'postgresql', but no folder /usr/lib/postgresql/*/bin holds initdb and pg_ctl.");
    }

    private static string? FindBinaries()
    {
        static bool Complete(string folder) =>
            File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")) && File.Exists(Path.Combine(folder, "createdb"));

        var explicitFolder = Environment.GetEnvironmentVariable(BinFolderVariable);
        if (!string.IsNullOrEmpty(explicitFolder))
        {
            return Complete(explicitFolder) ? explicitFolder : null;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(version => Path.Combine(version, "bin"))
            .Where(Complete)
            .OrderByDescending(folder => folder, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static async Task<FileStream> AcquireMachineLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "audiovis-postgres-install.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot() => OperatingSystem.IsLinux() && geteuid() == 0;

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? runAs, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? file : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' did not finish in time.");
        }

        output.Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {output.ToString().Trim()}"));
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort: a temporary folder.
        }
    }
}
