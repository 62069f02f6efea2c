namespace AudioVis.Cache.Telemetry;

/// <summary>
/// The names AudioVis.Cache publishes telemetry under. Listen with
/// <c>MeterListener</c>/OpenTelemetry <c>AddMeter(AudioVisCacheDiagnostics.MeterName)</c> and
/// <c>AddSource(AudioVisCacheDiagnostics.ActivitySourceName)</c>. Nothing is recorded unless the host turns telemetry on
/// (<c>AudioVisCacheOptions.EnableTelemetry</c>). Instruments carry low-cardinality tags only: never track paths, element ids
/// or descriptor ids.
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

    /// <summary>Histogram of the time from a job's first run to its final status, in seconds; tags <see cref="ReasonTag"/> and <see cref="StatusTag"/>.</summary>
    public const string RegenerationDuration = "audiovis.regeneration.duration";

    /// <summary>Counter of the times the diagnostics panel was opened (<c>IDiagnosticsPanel.OpenAsync</c>); unit <c>{open}</c>; no tags.</summary>
    public const string DiagnosticsOpened = "audiovis.diagnostics.opened";

    /// <summary>The name of the activity of one analysis run of a regeneration job; tags <see cref="ReasonTag"/>, <see cref="DescriptorCountTag"/>, <see cref="AttemptTag"/>.</summary>
    public const string AnalysisActivity = "audiovis.regeneration.analyze";

    /// <summary>The tag holding a job's final status: <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public const string StatusTag = "audiovis.regeneration.status";

    /// <summary>The tag holding how many descriptors an analysis computes.</summary>
    public const string DescriptorCountTag = "audiovis.analysis.descriptor_count";

    /// <summary>The tag holding the attempt number of an analysis run.</summary>
    public const string AttemptTag = "audiovis.regeneration.attempt";
}
