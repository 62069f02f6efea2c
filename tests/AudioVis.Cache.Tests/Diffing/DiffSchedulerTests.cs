using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;

namespace AudioVis.Cache.Tests.Diffing;

public sealed class DiffSchedulerTests
{
    private static readonly CacheKey IntroHiRes = new("intro.wav", "hires");
    private static readonly CacheKey IntroDefault = new("intro.wav", "default");

    [Test]
    public async Task RunFrame_UnchangedIntents_AreNotResubmittedToTheDiffer()
    {
        using var services = new TestServices();
        var intents = new[]
        {
            services.Intent("bars", "intro.wav", "hires", "spectrum.bands32@L"),
            services.Intent("pulse", "intro.wav", "hires", "rms@mid"),
        };
        foreach (var intent in intents)
        {
            services.Bus.Publish(intent);
        }

        var first = await services.Scheduler.RunFrameAsync();
        for (var frame = 0; frame < 10; frame++)
        {
            services.Time.Advance(TimeSpan.FromMilliseconds(16));
            foreach (var intent in intents)
            {
                services.Bus.Publish(intent);
                services.Bus.Publish(services.Intent(intent.ElementId, intent.TrackRef, intent.AnalysisProfileId, [.. intent.Descriptors.Select(d => d.ToString())]));
            }

            Assert.That(await services.Scheduler.RunFrameAsync(), Is.Empty);
        }

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(services.Store.TotalReads, Is.EqualTo(1), "one store query in the first frame, none after");
        });
    }

    [Test]
    public async Task RunFrame_GroupsByTrackAndProfile_UnionsDescriptorsAndQueriesOncePerGroup()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("bars", "intro.wav", "hires", "spectrum.bands32@L", "rms"));
        services.Bus.Publish(services.Intent("pulse", "intro.wav", "hires", "rms", "onset.strength"));
        services.Bus.Publish(services.Intent("wave", "intro.wav", "default", "waveform.minmax"));
        services.Bus.Publish(services.Intent("strobe", "drop.ogg", "hires", "onset.strength"));

        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diffs.Select(d => d.Key.ToString()), Is.EqualTo(new[] { "drop.ogg | hires", "intro.wav | default", "intro.wav | hires" }));
            var intro = diffs[2];
            Assert.That(intro.DescriptorsRequested.Select(d => d.ToString()), Is.EqualTo(new[] { "onset.strength", "rms", "spectrum.bands32@L" }));
            Assert.That(intro.GetOwners(DescriptorId.Parse("rms")), Is.EqualTo(new[] { "bars", "pulse" }));
            Assert.That(services.Store.Reads.Keys.Order(), Is.EqualTo(diffs.Select(d => d.Key)));
            Assert.That(services.Store.Reads.Values, Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task RunFrame_PublishesOnlyDiffsThatChanged()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("a", "intro.wav", "hires", "rms"));
        services.Bus.Publish(services.Intent("b", "intro.wav", "default", "rms"));
        await services.Scheduler.RunFrameAsync();

        // "c" joins the hires group with a descriptor that group already requests: only the owners change.
        services.Bus.Publish(services.Intent("c", "intro.wav", "hires", "rms"));
        var ownersChanged = await services.Scheduler.RunFrameAsync();

        // Invalidation without any real change re-diffs but publishes nothing.
        services.Scheduler.InvalidateAll();
        var nothingChanged = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ownersChanged.Single().Key, Is.EqualTo(IntroHiRes));
            Assert.That(ownersChanged.Single().GetOwners(DescriptorId.Parse("rms")), Is.EqualTo(new[] { "a", "c" }));
            Assert.That(nothingChanged, Is.Empty);
            Assert.That(services.Store.Reads[IntroHiRes], Is.EqualTo(3));
            Assert.That(services.Store.Reads[IntroDefault], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Invalidate_AfterCacheWrite_PublishesTheNewState()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("pulse", "intro.wav", "hires", "rms@mid"));
        var before = (await services.Scheduler.RunFrameAsync()).Single();

        await services.Store.UpsertAsync(IntroHiRes, [Records.Current(IntroHiRes, "rms@mid", TestServices.HiRes)]);
        services.Scheduler.Invalidate(IntroHiRes);
        var after = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(before.Missing.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid" }));
            Assert.That(before.RequiresRegeneration, Is.True);
            Assert.That(after.Current.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid" }));
            Assert.That(after.RequiresRegeneration, Is.False);
            Assert.That(services.Scheduler.TryGetLatest(IntroHiRes, out var latest) ? latest : null, Is.SameAs(after));
        });
    }

    [Test]
    public async Task ProfileReplaced_RediffsItsGroups_WithParameterReasons()
    {
        using var services = new TestServices();
        await services.Store.UpsertAsync(IntroHiRes, [Records.Current(IntroHiRes, "rms@mid", TestServices.HiRes)]);
        services.Bus.Publish(services.Intent("pulse", "intro.wav", "hires", "rms@mid"));
        services.Bus.Publish(services.Intent("wave", "intro.wav", "default", "rms"));
        await services.Scheduler.RunFrameAsync();

        services.Profiles.Replace(new AnalysisProfile("hires", TestServices.HiRes.Parameters with { HopSize = 512 }, "HighRes FFT"));
        var diffs = await services.Scheduler.RunFrameAsync();

        var diff = diffs.Single();
        Assert.Multiple(() =>
        {
            Assert.That(diff.Key, Is.EqualTo(IntroHiRes));
            Assert.That(diff.Stale.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms@mid")), Is.EqualTo(new StaleReason[]
            {
                new ProfileParametersChanged([new ParameterChange("hop_size", "1024", "512")]),
            }));
        });
    }

    [Test]
    public async Task ProfileRemoved_DiffReportsDeletedProfile()
    {
        using var services = new TestServices();
        await services.Store.UpsertAsync(IntroHiRes, [Records.Current(IntroHiRes, "rms@mid", TestServices.HiRes)]);
        services.Bus.Publish(services.Intent("pulse", "intro.wav", "hires", "rms@mid", "zcr"));
        await services.Scheduler.RunFrameAsync();

        services.Profiles.Remove("hires");
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(diff.IsProfileDeleted, Is.True);
            Assert.That(diff.Missing.Select(d => d.ToString()), Is.EqualTo(new[] { "zcr" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms@mid")), Is.EqualTo(new StaleReason[] { new ProfileDeleted("hires") }));
        });
    }

    [Test]
    public async Task Retract_LastElementOfGroup_PublishesFinalDiffOnceThenForgetsTheGroup()
    {
        using var services = new TestServices();
        await services.Store.UpsertAsync(IntroHiRes, [Records.Current(IntroHiRes, "rms@mid", TestServices.HiRes)]);
        services.Bus.Publish(services.Intent("pulse", "intro.wav", "hires", "rms@mid"));
        await services.Scheduler.RunFrameAsync();

        services.Bus.Retract("pulse");
        var final = (await services.Scheduler.RunFrameAsync()).Single();
        services.Scheduler.InvalidateAll();
        var later = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(final.DescriptorsRequested, Is.Empty);
            Assert.That(final.Extraneous.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid" }));
            Assert.That(later, Is.Empty);
            Assert.That(services.Scheduler.GetLatestDiffs(), Is.Empty);
            Assert.That(services.Scheduler.TryGetLatest(IntroHiRes, out _), Is.False);
        });
    }

    [Test]
    public async Task PublishThenRetractWithinOneFrame_PublishesNothing()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("flash", "intro.wav", "hires", "rms"));
        services.Bus.Retract("flash");

        Assert.That(await services.Scheduler.RunFrameAsync(), Is.Empty);
    }

    [Test]
    public async Task ElementMovesToAnotherTrack_BothGroupsAreRediffed()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("bars", "intro.wav", "hires", "rms"));
        services.Bus.Publish(services.Intent("other", "intro.wav", "hires", "zcr"));
        await services.Scheduler.RunFrameAsync();

        services.Bus.Publish(services.Intent("bars", "drop.ogg", "hires", "rms"));
        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diffs.Select(d => d.TrackRef), Is.EqualTo(new[] { "drop.ogg", "intro.wav" }));
            Assert.That(diffs[1].DescriptorsRequested.Select(d => d.ToString()), Is.EqualTo(new[] { "zcr" }));
        });
    }

    [Test]
    public async Task RunFrame_StoreFailure_IsLoggedAndTheGroupIsRetriedNextFrame()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("a", "intro.wav", "hires", "rms"));
        services.Bus.Publish(services.Intent("b", "intro.wav", "default", "rms"));
        services.Store.FailReadsWith = new IOException("disk gone");

        var failed = await services.Scheduler.RunFrameAsync();
        services.Store.FailReadsWith = null;
        var recovered = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(failed, Is.Empty);
            Assert.That(recovered, Has.Count.EqualTo(2));
            var warnings = services.Logs.GetSnapshot().Where(r => r.Id.Id == 1101).ToArray();
            Assert.That(warnings, Has.Length.EqualTo(2));
            Assert.That(warnings[0].Exception, Is.TypeOf<IOException>());
            Assert.That(warnings[0].Message, Does.Contain("intro.wav / default"));
        });
    }

    [Test]
    public async Task RunFrame_Cancelled_LeavesGroupsDirtyForTheNextFrame()
    {
        using var services = new TestServices();
        services.Bus.Publish(services.Intent("a", "intro.wav", "hires", "rms"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await services.Scheduler.RunFrameAsync(cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await services.Scheduler.RunFrameAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Subscribe_ThrowingHandler_DoesNotStopTheFrame()
    {
        using var services = new TestServices();
        var seen = new List<CacheKey>();
        using var bad = services.Scheduler.Subscribe(_ => throw new InvalidOperationException("ui bug"));
        using var good = services.Scheduler.Subscribe(d => seen.Add(d.Key));
        services.Bus.Publish(services.Intent("a", "intro.wav", "hires", "rms"));
        services.Bus.Publish(services.Intent("b", "intro.wav", "default", "rms"));

        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diffs, Has.Count.EqualTo(2));
            Assert.That(seen, Is.EqualTo(new[] { IntroDefault, IntroHiRes }));
        });
    }

    [Test]
    public void RunFrame_NothingDirty_CompletesSynchronouslyWithoutAllocating()
    {
        using var services = new TestServices();
        var scheduler = services.Scheduler;
        var bus = services.Bus;
        var intent = services.Intent("a", "intro.wav", "hires", "rms");
        bus.Publish(intent);
        scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();

        // Warm up, then measure a steady-state frame: re-publish unchanged + run frame.
        for (var i = 0; i < 10; i++)
        {
            bus.Publish(intent);
            _ = scheduler.RunFrameAsync().Result;
        }

        var completedSynchronously = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            bus.Publish(intent);
            completedSynchronously += scheduler.RunFrameAsync().IsCompletedSuccessfully ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(completedSynchronously, Is.EqualTo(1000));
        });
    }

    [Test]
    public async Task Scheduler_CreatedAfterIntents_PicksUpExistingIntents()
    {
        using var services = new TestServices();

        // The bus is resolved (and receives an intent) before the scheduler exists.
        services.Bus.Publish(services.Intent("a", "intro.wav", "hires", "rms"));
        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.That(diffs.Single().Key, Is.EqualTo(IntroHiRes));
    }
}
