using System.Diagnostics;
using System.Reflection;

namespace AudioVis.Cache.Reliability.Tests;

/// <summary>
/// One run of the reliability child process (tests/AudioVis.Cache.Reliability.ChildProcess) with a command: its output and
/// error lines are collected as they come, and a test can await a line, the exit, or kill it.
/// </summary>
internal sealed class ChildProcessLines : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];
    private readonly Task _reading;
    private readonly List<string> _errors = [];
    private readonly Task _readingErrors;
    private bool _ended;

    private ChildProcessLines(Process process)
    {
        _process = process;
        Id = process.Id;
        _reading = ReadAsync();
        _readingErrors = ReadErrorsAsync();
    }

    /// <summary>Gets the child's process id (still known once it is disposed).</summary>
    public int Id { get; }

    /// <summary>Gets the lines printed so far.</summary>
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

    /// <summary>Gets the lines printed to stderr so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static ChildProcessLines Start(params string[] args)
    {
        var path = typeof(ChildProcessLines).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ChildProcessPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"the child-process helper is not built at {path}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ChildProcessLines(Process.Start(start)!);
    }

    /// <summary>Completes when the child prints a line that matches; faults when it ends first.</summary>
    public Task WaitForLineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Any(match))
            {
                return Task.CompletedTask;
            }

            if (_ended)
            {
                return Task.FromException(new InvalidOperationException($"the child ended without printing the line awaited: {string.Join(" | ", _lines)}"));
            }

            _waiters.Add((match, seen));
        }

        return seen.Task;
    }

    /// <summary>Waits for the child to exit on its own; returns its exit code, with its output read to the end.</summary>
    public async Task<int> ExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(_reading, _readingErrors).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the child with SIGKILL and waits until it is gone (and reaped, so its id no longer names a process).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(_reading, _readingErrors).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    waiter.Seen.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        lock (_lines)
        {
            _ended = true;
            foreach (var waiter in _waiters)
            {
                waiter.Seen.TrySetException(new InvalidOperationException($"the child ended without printing the line awaited: {string.Join(" | ", _lines)}"));
            }

            _waiters.Clear();
        }
    }

    private async Task ReadErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        }
    }
}
