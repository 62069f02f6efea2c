using System.Diagnostics;
using System.Diagnostics.Metrics;
using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.Telemetry;

/// <summary>
/// The library's instruments and activities (names in <see cref="AudioVisCacheDiagnostics"/>). When telemetry is off
/// (<c>AudioVisCacheOptions.EnableTelemetry</c>, the privacy option, off by default) no instrument is created and no
/// activity is started, so nothing can be recorded. Tags are low-cardinality: never track references, paths, element or
/// descriptor ids. Tag values are preallocated, so recording allocates nothing.
/// </summary>
internal sealed class AudioVisCacheMetrics : IDisposable
{
    private static readonly ActivitySource Source = new(AudioVisCacheDiagnostics.ActivitySourceName);

    // Indexed by the reason flags (0..7).
    private static readonly string[] ReasonNames = ["none", "missing", "stale", "missing+stale", "manual", "missing+manual", "stale+manual", "missing+stale+manual"];

    private readonly bool _ownsMeter;
    private readonly Counter<long>? _triggered;
    private readonly Counter<long>? _failed;
    private readonly Counter<long>? _opened;
    private readonly Histogram<double>? _duration;

    public AudioVisCacheMetrics(IMeterFactory? meterFactory, bool enabled)
    {
        Enabled = enabled;
        if (!enabled)
        {
            return;
        }

        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(AudioVisCacheDiagnostics.MeterName) ?? new Meter(AudioVisCacheDiagnostics.MeterName);
        _triggered = Meter.CreateCounter<long>(AudioVisCacheDiagnostics.RegenerationTriggered, "{job}", "Regeneration jobs created.");
        _failed = Meter.CreateCounter<long>(AudioVisCacheDiagnostics.RegenerationFailed, "{job}", "Regeneration jobs that failed after their last attempt.");
        _duration = Meter.CreateHistogram<double>(AudioVisCacheDiagnostics.RegenerationDuration, "s", "Time from a job's first run to its final status.");
        _opened = Meter.CreateCounter<long>(AudioVisCacheDiagnostics.DiagnosticsOpened, "{open}", "Times the diagnostics panel was opened.");
    }

    /// <summary>Gets metrics that record nothing.</summary>
    public static AudioVisCacheMetrics Disabled { get; } = new(null, enabled: false);

    /// <summary>Gets a value indicating whether telemetry is on.</summary>
    public bool Enabled { get; }

    /// <summary>Gets the meter, when telemetry is on.</summary>
    public Meter? Meter { get; }

    public void Triggered(RegenerationReason reason) => _triggered?.Add(1, Reason(reason));

    public void Failed(RegenerationReason reason) => _failed?.Add(1, Reason(reason));

    public void Finished(RegenerationReason reason, RegenerationStatus status, TimeSpan duration) =>
        _duration?.Record(duration.TotalSeconds, Reason(reason), new KeyValuePair<string, object?>(AudioVisCacheDiagnostics.StatusTag, StatusName(status)));

    public void DiagnosticsOpened() => _opened?.Add(1);

    /// <summary>Starts the activity of one analysis run, when telemetry is on and someone listens.</summary>
    public Activity? StartAnalysis(RegenerationReason reason, int descriptorCount, int attempt)
    {
        if (!Enabled)
        {
            return null;
        }

        var activity = Source.StartActivity(AudioVisCacheDiagnostics.AnalysisActivity);
        activity?.SetTag(AudioVisCacheDiagnostics.ReasonTag, ReasonNames[(int)reason & 7]);
        activity?.SetTag(AudioVisCacheDiagnostics.DescriptorCountTag, descriptorCount);
        activity?.SetTag(AudioVisCacheDiagnostics.AttemptTag, attempt);
        return activity;
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter?.Dispose();
        }
    }

    private static KeyValuePair<string, object?> Reason(RegenerationReason reason) => new(AudioVisCacheDiagnostics.ReasonTag, ReasonNames[(int)reason & 7]);

    private static string StatusName(RegenerationStatus status) => status switch
    {
        RegenerationStatus.Succeeded => "succeeded",
        RegenerationStatus.Failed => "failed",
        RegenerationStatus.Cancelled => "cancelled",
        _ => "other",
    };
}
