using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>The live banner through DI: it follows diffs, job events, the worker and export gates, and dismisses itself.</summary>
public sealed class CacheBannerTests
{
    [Test]
    public async Task Banner_FollowsTheLoop_NeedsRegeneration_Paused_Regenerating_ThenDismissesItself()
    {
        await using var services = new TestServices(s =>
            s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>())));
        var banner = services.Get<ICacheBanner>();
        var seen = new List<BannerViewModel>();
        using var subscription = banner.Subscribe(b =>
        {
            lock (seen)
            {
                seen.Add(b);
            }
        });
        var initial = banner.Current;
        services.Bus.Publish(services.Intent("meter", "a.wav", "hires", "rms", "zcr"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();
        var needs = banner.Current;

        var availability = services.Get<IAnalysisAvailability>();
        availability.SetAvailable(false);
        var paused = banner.Current;
        var ticket = services.Get<IRegenerationQueue>().RegenerateAll([diff]).Single();
        availability.SetAvailable(true);
        var outcome = await ticket.Completion;
        await services.Scheduler.RunFrameAsync();
        var dismissed = banner.Current;

        Assert.Multiple(() =>
        {
            Assert.That(initial.IsVisible, Is.False);
            Assert.That(needs.State, Is.EqualTo(BannerState.NeedsRegeneration));
            Assert.That(needs.Message, Is.EqualTo("2 descriptors require regeneration to match the 'HighRes FFT' profile."));
            Assert.That(paused.State, Is.EqualTo(BannerState.Paused));
            Assert.That(outcome.Succeeded, Is.True);
            Assert.That(dismissed, Is.SameAs(BannerViewModel.Hidden), "the banner dismisses itself when the diffs are clean");
            lock (seen)
            {
                Assert.That(seen.Select(b => b.State), Does.Contain(BannerState.Regenerating), "progress was shown while the job ran");
                Assert.That(seen.Zip(seen.Skip(1)).All(p => !p.First.Equals(p.Second)), Is.True, "raised only when the banner changed");
                Assert.That(seen[^1].State, Is.EqualTo(BannerState.Hidden));
            }
        });
    }
}

/// <summary>The banner's cost preview end to end: a real file, the real analyzer, then a profile edit.</summary>
public sealed class CacheBannerEstimateTests
{
    [Test]
    public async Task AfterOneRegeneration_TheBannerEstimatesTheNext()
    {
        using var folder = new AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder();
        AudioVis.Cache.Tests.Integration.SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 4, amplitude: 0.5f);
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = folder.Path;
            o.Profiles.Add(new AnalysisProfile("p", AnalysisParameters.Default, "Profile P"));
        }).UseDiagnosticsPreferenceStore<InMemoryDiagnosticsPreferenceStore>();
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        var scheduler = provider.GetRequiredService<IDiffScheduler>();
        var banner = provider.GetRequiredService<ICacheBanner>();
        bus.Publish(AnalysisIntent.Create("meter", "a.wav", "p", ["rms", "spectral.centroid"], DateTimeOffset.UnixEpoch));
        await provider.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
        var first = (await scheduler.RunFrameAsync()).Single();
        var beforeAnyJob = banner.Current;
        await provider.GetRequiredService<IRegenerationQueue>().RegenerateAll([first]).Single().Completion;
        await scheduler.RunFrameAsync();

        provider.GetRequiredService<IAnalysisProfileRegistry>().Replace(new AnalysisProfile("p", AnalysisParameters.Default with { HopSize = 256 }, "Profile P"));
        await scheduler.RunFrameAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (banner.Current.EstimatedDuration is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var stale = banner.Current;
        Assert.Multiple(() =>
        {
            Assert.That(beforeAnyJob.EstimatedDuration, Is.Null, "no history yet: no estimate");
            Assert.That(stale.State, Is.EqualTo(BannerState.NeedsRegeneration));
            Assert.That(stale.EstimatedDuration, Is.Not.Null.And.GreaterThan(TimeSpan.Zero));
            Assert.That(stale.Message, Does.Contain("Estimated time: "));
        });
    }
}
