using System.Diagnostics;
using System.Reflection;

namespace AudioVis.Cache.Cluster.Tests;

/// <summary>
/// A process of the cluster (a silo, client or watcher of the child-process helper, or the CLI): standard output is read
/// line by line as it comes, and a test awaits the line it needs; standard input takes commands.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly List<string> _errors = [];
    private readonly Task _reading;
    private readonly Task _readingErrors;
    private bool _ended;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _reading = ReadAsync();
        _readingErrors = DrainErrorsAsync();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Gets a copy of the lines read so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts the child-process helper with a command.</summary>
    public static ChildProcess StartHelper(string name, params string[] args) => Start(name, Metadata("ChildProcessPath"), args);

    /// <summary>Starts the <c>audiovis-cache</c> CLI.</summary>
    public static ChildProcess StartCli(string name, params string[] args) => Start(name, Metadata("CliPath"), args);

    /// <summary>Completes with the first line (read so far or later) that <paramref name="match"/> accepts; fails when the process ends first or after <paramref name="timeout"/>.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, int fromLine = 0)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Skip(fromLine).FirstOrDefault(match) is { } line)
            {
                return Task.FromResult(line);
            }

            if (_ended)
            {
                return Task.FromException<string>(Ended());
            }

            _waiters.Add((match, found));
        }

        return WithTimeoutAsync(found.Task, timeout);
    }

    public Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, int fromLine = 0) => WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), timeout, fromLine);

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL: the process ends at once, whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _reading;
    }

    /// <summary>Sends SIGTERM (a graceful stop request) and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
        await _reading;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _readingErrors;
        _process.Dispose();
    }

    public override string ToString() => $"{Name} (pid {_process.Id}) output:\n{string.Join('\n', Lines)}\nstderr:\n{string.Join('\n', Errors())}";

    private static string Metadata(string key)
    {
        var path = typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        Assert.That(File.Exists(path), Is.True, $"the child process is not built at {path}");
        return path;
    }

    private static ChildProcess Start(string name, string dll, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ChildProcess(name, Process.Start(start)!);
    }

    private async Task<string> WithTimeoutAsync(Task<string> task, TimeSpan timeout)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: no expected line within {timeout.TotalSeconds} s. {this}");
        }
    }

    private InvalidOperationException Ended() => new($"{Name} ended before the expected line. {this}");

    private string[] Errors()
    {
        lock (_errors)
        {
            return [.. _errors.TakeLast(40)];
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            List<TaskCompletionSource<string>> matched = [];
            lock (_lines)
            {
                _lines.Add(line);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(line))
                    {
                        matched.Add(_waiters[i].Found);
                        _waiters.RemoveAt(i);
                    }
                }
            }

            matched.ForEach(m => m.TrySetResult(line));
        }

        List<TaskCompletionSource<string>> left;
        lock (_lines)
        {
            _ended = true;
            left = [.. _waiters.Select(w => w.Found)];
            _waiters.Clear();
        }

        left.ForEach(w => w.TrySetException(Ended()));
    }

    private async Task DrainErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        }
    }
}
