using System.Diagnostics.Metrics;
using AudioVis.Cache.Telemetry;

namespace AudioVis.Cache.Regeneration;

/// <summary>The queue's counters; the meter comes from <see cref="IMeterFactory"/> when the host has one.</summary>
internal sealed class RegenerationMetrics : IDisposable
{
    // Indexed by the reason flags (0..7): tag values are preallocated, so counting allocates nothing.
    private static readonly string[] ReasonNames = ["none", "missing", "stale", "missing+stale", "manual", "missing+manual", "stale+manual", "missing+stale+manual"];

    private readonly bool _ownsMeter;
    private readonly Counter<long> _triggered;
    private readonly Counter<long> _failed;

    public RegenerationMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(AudioVisCacheDiagnostics.MeterName) ?? new Meter(AudioVisCacheDiagnostics.MeterName);
        _triggered = Meter.CreateCounter<long>(AudioVisCacheDiagnostics.RegenerationTriggered, "{job}", "Regeneration jobs created.");
        _failed = Meter.CreateCounter<long>(AudioVisCacheDiagnostics.RegenerationFailed, "{job}", "Regeneration jobs that failed after their last attempt.");
    }

    public Meter Meter { get; }

    public void Triggered(RegenerationReason reason) => _triggered.Add(1, new KeyValuePair<string, object?>(AudioVisCacheDiagnostics.ReasonTag, ReasonNames[(int)reason & 7]));

    public void Failed(RegenerationReason reason) => _failed.Add(1, new KeyValuePair<string, object?>(AudioVisCacheDiagnostics.ReasonTag, ReasonNames[(int)reason & 7]));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
