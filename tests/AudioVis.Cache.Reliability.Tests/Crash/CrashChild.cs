using System.Diagnostics;
using System.Reflection;

namespace AudioVis.Cache.Reliability.Tests.Crash;

/// <summary>
/// One run of the child process's <c>regenerate</c> loop: its stdout is read as it comes, collecting the history entries it
/// acknowledged (<c>ACK &lt;id&gt;</c>); <see cref="Ready"/> completes when its stores are open.
/// </summary>
internal sealed class CrashChild : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Guid> _acknowledged = [];
    private readonly List<string> _failures = [];
    private readonly Task _reading;

    private CrashChild(Process process)
    {
        _process = process;
        _reading = ReadAsync();
        _ = DrainErrorsAsync();
    }

    /// <summary>Completes when the child has opened its stores; faults when it ends before that.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Gets the history entries the child acknowledged (complete once <see cref="KillAsync"/> has returned).</summary>
    public IReadOnlyList<Guid> Acknowledged => _acknowledged;

    /// <summary>Gets the <c>FAIL</c> lines the child printed.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public static CrashChild Start(string audioRoot, string featureRoot)
    {
        var path = typeof(CrashChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ChildProcessPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"the child-process helper is not built at {path}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { path, "regenerate", audioRoot, featureRoot })
        {
            start.ArgumentList.Add(arg);
        }

        return new CrashChild(Process.Start(start)!);
    }

    /// <summary>Kills the child with SIGKILL and waits until it is gone and its output is read to the end.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
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
            if (line == "READY")
            {
                _ready.TrySetResult();
            }
            else if (line.StartsWith("ACK ", StringComparison.Ordinal))
            {
                _acknowledged.Add(Guid.Parse(line.AsSpan(4)));
            }
            else if (line.StartsWith("FAIL", StringComparison.Ordinal))
            {
                lock (_failures)
                {
                    _failures.Add(line);
                }
            }
        }

        _ready.TrySetException(new InvalidOperationException("the child process ended before it was ready: " + string.Join(Environment.NewLine, Failures)));
    }

    private async Task DrainErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_failures)
            {
                _failures.Add("stderr: " + line);
            }
        }
    }
}
