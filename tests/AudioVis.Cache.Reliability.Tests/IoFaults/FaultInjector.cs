namespace AudioVis.Cache.Reliability.Tests.IoFaults;

/// <summary>
/// Fails the k-th write or flush (flush to disk included) of the streams it wraps: only that call ("once"), or that call
/// and every later one ("sticky"). Re-armed before each attempt; counts calls across every stream it wrapped since.
/// </summary>
internal sealed class FaultInjector
{
    /// <summary>Every injected fault's message starts with this.</summary>
    public const string Marker = "injected I/O fault";

    private int _failAt = int.MaxValue;
    private bool _sticky;

    /// <summary>Gets how many writes and flushes were attempted since the last <see cref="Arm"/>.</summary>
    public int Calls { get; private set; }

    /// <summary>Gets how many of them failed.</summary>
    public int Injected { get; private set; }

    public void Arm(int failAt, bool sticky)
    {
        _failAt = failAt;
        _sticky = sticky;
        Calls = 0;
        Injected = 0;
    }

    public void Disarm() => Arm(int.MaxValue, sticky: false);

    public Stream Wrap(Stream inner) => new FaultyStream(inner, this);

    /// <summary>Counts one call and throws when it is one to fail.</summary>
    public void Next(string call)
    {
        Calls++;
        if (Calls == _failAt || (_sticky && Calls > _failAt))
        {
            Injected++;
            throw new IOException($"{Marker}: {call} #{Calls}");
        }
    }
}
