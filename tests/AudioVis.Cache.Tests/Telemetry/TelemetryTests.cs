using System.Diagnostics;
using System.Diagnostics.Metrics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Telemetry;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AudioVis.Cache.Tests.Telemetry;

/// <summary>Issue #11: the meter and activity source through DI, recording only when the privacy option allows it.</summary>
[NonParallelizable] // the activity listener sees every AudioVis.Cache activity of the process
public sealed class TelemetryTests
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task Telemetry_IsRecordedOnlyWhenEnabled_WithLowCardinalityTagsOnly(bool enabled)
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AudioVisCacheDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var services = new TestServices(s =>
        {
            s.AddMetrics();
            s.Configure<AudioVisCacheOptions>(o => o.EnableTelemetry = enabled);
            s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>()));
        });
        var meters = services.Get<IMeterFactory>();
        using var triggered = new MetricCollector<long>(meters, AudioVisCacheDiagnostics.MeterName, AudioVisCacheDiagnostics.RegenerationTriggered);
        using var duration = new MetricCollector<double>(meters, AudioVisCacheDiagnostics.MeterName, AudioVisCacheDiagnostics.RegenerationDuration);
        using var opened = new MetricCollector<long>(meters, AudioVisCacheDiagnostics.MeterName, AudioVisCacheDiagnostics.DiagnosticsOpened);

        services.Bus.Publish(services.Intent("meter", "secret/track.wav", "hires", "rms", "zcr"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();
        var outcome = await services.Get<IRegenerationQueue>().RegenerateAll([diff]).Single().Completion;
        await services.Get<IDiagnosticsPanel>().OpenAsync();
        Activity[] analyses;
        lock (activities)
        {
            analyses = [.. activities.Where(a => a.OperationName == AudioVisCacheDiagnostics.AnalysisActivity)];
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.True);
            if (enabled)
            {
                Assert.That(triggered.GetMeasurementSnapshot().Select(m => m.Value), Is.EqualTo(new[] { 1L }));
                Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
                Assert.That(opened.GetMeasurementSnapshot().Select(m => m.Value), Is.EqualTo(new[] { 1L }));
                Assert.That(analyses, Has.Length.EqualTo(1));
                Assert.That(analyses[0].GetTagItem(AudioVisCacheDiagnostics.DescriptorCountTag), Is.EqualTo(2));
                var tagValues = analyses[0].TagObjects.Select(t => t.Value?.ToString() ?? string.Empty)
                    .Concat(triggered.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? string.Empty))
                    .Concat(duration.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? string.Empty));
                Assert.That(tagValues, Has.None.Contains("secret").And.None.Contains("rms").And.None.Contains("meter"), "no track refs, descriptor or element ids in tags");
            }
            else
            {
                Assert.That(triggered.GetMeasurementSnapshot(), Is.Empty);
                Assert.That(duration.GetMeasurementSnapshot(), Is.Empty);
                Assert.That(opened.GetMeasurementSnapshot(), Is.Empty);
                Assert.That(analyses, Is.Empty);
            }
        });
    }
}
