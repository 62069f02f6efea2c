using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>Issue #11's cost preview: history durations per second of audio × the lengths of the tracks to regenerate.</summary>
public sealed class RegenerationCostEstimatorTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);
    private static readonly Lengths Durations = new() { ["a.wav"] = TimeSpan.FromSeconds(60), ["b.wav"] = TimeSpan.FromSeconds(120) };

    [TestCase(1, 2.7)]
    [TestCase(2, 1.8)]
    public async Task Estimate_IsTheMedianRateTimesTheAudio_SpreadOverTheParallelJobs(int parallelism, double expectedSeconds)
    {
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), new FakeTimeProvider(At));
        await history.AppendAsync([Entry("a.wav", 600), Entry("a.wav", 1200), Entry("unknown.wav", 99_000), Entry("a.wav", 5, HistoryStatus.Failure)]);
        using var estimator = new RegenerationCostEstimator(history, Durations, parallelism, null, NullLogger.Instance);
        await estimator.RefreshNowAsync();

        var estimate = estimator.Estimate([Diff("a.wav", needs: true), Diff("b.wav", needs: true), Diff("c.wav", needs: false)]);

        Assert.Multiple(() =>
        {
            Assert.That(estimator.SecondsPerAudioSecond, Is.EqualTo(0.015).Within(1e-12), "median of 0.01 and 0.02 s per audio second; failures and unknown lengths ignored");
            Assert.That(estimate?.TotalSeconds, Is.EqualTo(expectedSeconds).Within(1e-6), "TimeSpan keeps 100 ns ticks");
        });
    }

    [Test]
    public async Task NoUsableHistory_OrATrackOfUnknownLength_GivesNoEstimate()
    {
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), new FakeTimeProvider(At));
        using var estimator = new RegenerationCostEstimator(history, Durations, 1, null, NullLogger.Instance);
        await estimator.RefreshNowAsync();
        var withoutHistory = estimator.Estimate([Diff("a.wav", needs: true)]);

        await history.AppendAsync([Entry("a.wav", 600)]);
        await estimator.RefreshNowAsync();

        Assert.Multiple(() =>
        {
            Assert.That(withoutHistory, Is.Null);
            Assert.That(estimator.Estimate([Diff("a.wav", needs: true)]), Is.EqualTo(TimeSpan.FromSeconds(0.6)));
            Assert.That(estimator.Estimate([Diff("a.wav", needs: true), Diff("new.wav", needs: true)]), Is.Null, "a guess would mislead");
            Assert.That(estimator.Estimate([Diff("a.wav", needs: false)]), Is.Null, "nothing to regenerate");
        });
    }

    private static HistoryEntry Entry(string track, long durationMs, HistoryStatus status = HistoryStatus.Success) =>
        new(Guid.CreateVersion7(At), At, new CacheKey(track, "default"), HistoryAction.AutoRegenerate, [DescriptorId.Parse("rms")], status, durationMs,
            errorType: status == HistoryStatus.Failure ? "System.IO.IOException" : null, errorMessage: status == HistoryStatus.Failure ? "broken" : null);

    private static CacheDiff Diff(string track, bool needs)
    {
        var key = new CacheKey(track, AnalysisProfile.DefaultId);
        return CacheDiffCalculator.Compute(
            key,
            [AnalysisIntent.Create("e", track, key.AnalysisProfileId, ["rms"], At)],
            AnalysisProfile.Default,
            Records.Source,
            needs ? [] : [Records.Make(key, "rms", AnalysisProfile.Default.Parameters)],
            DescriptorCatalog.Default);
    }

    private sealed class Lengths : Dictionary<string, TimeSpan>, ITrackDurations
    {
        public bool TryGetDuration(string trackRef, out TimeSpan duration) => TryGetValue(trackRef, out duration);
    }
}
