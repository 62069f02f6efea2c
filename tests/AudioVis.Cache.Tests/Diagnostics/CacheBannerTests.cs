using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diagnostics;
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
