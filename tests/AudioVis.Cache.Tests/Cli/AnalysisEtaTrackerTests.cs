using AudioVis.Cache.Analysis;
using AudioVis.Cache.Cli;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Cli;

public sealed class AnalysisEtaTrackerTests
{
    [Test]
    public async Task Decorate_KeepsTheAnalyzersLatestTimeLeftPerKey_AndForwardsProgress()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAudioAnalyzer>(new ReportingAnalyzer());
        var tracker = new AnalysisEtaTracker();
        tracker.Decorate(services);
        using var provider = services.BuildServiceProvider();
        var forwarded = new List<AnalysisProgress>();
        var request = new AnalysisRequest(AnalysisProfile.Default, "a.wav", [DescriptorId.Parse("rms")]);

        await provider.GetRequiredService<IAudioAnalyzer>().AnalyzeAsync(request, new SynchronousProgress(forwarded.Add));

        Assert.Multiple(() =>
        {
            Assert.That(tracker.TryGetTimeLeft(request.Key, out var left), Is.True);
            Assert.That(left, Is.EqualTo(TimeSpan.FromSeconds(3)), "the latest estimate, not an earlier one");
            Assert.That(forwarded.Select(p => p.Fraction), Is.EqualTo(new[] { 0.0, 0.25, 0.5 }));
            Assert.That(tracker.TryGetTimeLeft(new CacheKey("b.wav", "default"), out _), Is.False);
        });
    }

    private sealed class ReportingAnalyzer : IAudioAnalyzer
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
        {
            progress?.Report(new AnalysisProgress(0, null));
            progress?.Report(new AnalysisProgress(0.25, null, TimeSpan.FromSeconds(9)));
            progress?.Report(new AnalysisProgress(0.5, null, TimeSpan.FromSeconds(3)));
            return ValueTask.FromResult<IReadOnlyList<CacheMetadataRecord>>([]);
        }
    }

    private sealed class SynchronousProgress(Action<AnalysisProgress> report) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value) => report(value);
    }
}
