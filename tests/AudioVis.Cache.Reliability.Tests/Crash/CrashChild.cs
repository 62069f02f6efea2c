namespace AudioVis.Cache.Reliability.Tests.Crash;

/// <summary>
/// One run of the child process's <c>regenerate</c> loop: its stdout is read as it comes, collecting the history entries it
/// acknowledged (<c>ACK &lt;id&gt;</c>); <see cref="Ready"/> completes when its stores are open.
/// </summary>
internal sealed class CrashChild : IDisposable
{
    private readonly ChildProcessLines _child;

    private CrashChild(ChildProcessLines child)
    {
        _child = child;
        Ready = child.WaitForLineAsync(l => l == "READY");
    }

    /// <summary>Completes when the child has opened its stores; faults when it ends before that.</summary>
    public Task Ready { get; }

    /// <summary>Gets the history entries the child acknowledged (complete once <see cref="KillAsync"/> has returned).</summary>
    public IReadOnlyList<Guid> Acknowledged =>
        [.. _child.Lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)).Select(l => Guid.Parse(l.AsSpan(4)))];

    /// <summary>Gets the <c>FAIL</c> lines the child printed, and its stderr lines.</summary>
    public IReadOnlyList<string> Failures =>
        [.. _child.Lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)), .. _child.Errors.Select(e => "stderr: " + e)];

    public static CrashChild Start(string audioRoot, string featureRoot) => new(ChildProcessLines.Start("regenerate", audioRoot, featureRoot));

    /// <summary>Kills the child with SIGKILL and waits until it is gone and its output is read to the end.</summary>
    public Task KillAsync() => _child.KillAsync();

    public void Dispose() => _child.Dispose();
}
