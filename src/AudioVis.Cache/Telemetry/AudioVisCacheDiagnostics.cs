namespace AudioVis.Cache.Telemetry;

/// <summary>
/// The names AudioVis.Cache publishes telemetry under. Listen with
/// <c>MeterListener</c>/OpenTelemetry <c>AddMeter(AudioVisCacheDiagnostics.MeterName)</c>. Instruments carry
/// low-cardinality tags only: never track paths, element ids or descriptor payloads.
/// </summary>
public static class AudioVisCacheDiagnostics
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "AudioVis.Cache";

    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "AudioVis.Cache";

    /// <summary>Counter of regeneration jobs created (requests that joined an existing job are not counted); unit <c>{job}</c>; tag <see cref="ReasonTag"/>.</summary>
    public const string RegenerationTriggered = "audiovis.regeneration.triggered";

    /// <summary>Counter of regeneration jobs that ended failed (after their last attempt); unit <c>{job}</c>; tag <see cref="ReasonTag"/>.</summary>
    public const string RegenerationFailed = "audiovis.regeneration.failed";

    /// <summary>The tag holding the job's reason: <c>missing</c>, <c>stale</c>, <c>manual</c>, or several joined by <c>+</c>.</summary>
    public const string ReasonTag = "audiovis.regeneration.reason";
}
