using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>The queue wired through DI: auto-regeneration from diffs, banner and panel entry points, invalidation, options.</summary>
public sealed class RegenerationServicesTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    [Test]
    public async Task AutoRegenerate_MissingDescriptors_AreRegeneratedAndTheNextDiffIsCurrent()
    {
        await using var services = Create(o => o.AutoRegenerate = true);
        var queue = services.Get<IRegenerationQueue>();
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms", "spectral.centroid"));

        var first = await services.Scheduler.RunFrameAsync();
        await events.WaitForAsync(e => e.Status == RegenerationStatus.Succeeded);
        var second = await services.Scheduler.RunFrameAsync();

        var succeeded = events.Snapshot().Single(e => e.Status == RegenerationStatus.Succeeded);
        Assert.Multiple(() =>
        {
            Assert.That(first.Single().Missing, Has.Count.EqualTo(2));
            Assert.That(succeeded.Reason, Is.EqualTo(RegenerationReason.Missing));
            Assert.That(succeeded.RequestingElementIds, Is.EqualTo(new[] { "el-1" }));
            Assert.That(second.Single().Current, Has.Count.EqualTo(2), "the queue invalidated the group after writing");
            Assert.That(second.Single().RequiresRegeneration, Is.False);
        });
    }

    [Test]
    public async Task AutoRegenerate_DeletedProfileDiff_EnqueuesNothing()
    {
        await using var services = Create(o => o.AutoRegenerate = true);
        var queue = services.Get<IRegenerationQueue>();
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        services.Bus.Publish(services.Intent("el-1", "a.wav", TestServices.HiRes.Id, "rms"));
        services.Profiles.Remove(TestServices.HiRes.Id);

        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diffs.Single().IsProfileDeleted, Is.True);
            Assert.That(events.Snapshot(), Is.Empty);
            Assert.That(queue.RegenerateAll(diffs), Is.Empty, "Regenerate All skips diffs whose profile was deleted");
        });
    }

    [Test]
    public async Task AutoRegenerate_Off_EnqueuesNothing()
    {
        await using var services = Create();
        var queue = services.Get<IRegenerationQueue>();
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));

        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diffs.Single().RequiresRegeneration, Is.True);
            Assert.That(events.Snapshot(), Is.Empty);
        });
    }

    [Test]
    public async Task RegenerateAll_TwoDiffs_OneTicketPerKeyInKeyOrderWithReasons()
    {
        await using var services = Create();
        var queue = services.Get<IRegenerationQueue>();
        var stale = new CacheKey("b.wav", AnalysisProfile.DefaultId);
        await services.Store.UpsertAsync(stale, [Records.Make(stale, "rms", AnalysisParameters.Default with { HopSize = 256 })]);
        services.Bus.Publish(services.Intent("el-b", "b.wav", AnalysisProfile.DefaultId, "rms", "onset.strength"));
        services.Bus.Publish(services.Intent("el-a", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();

        var tickets = queue.RegenerateAll(services.Scheduler.GetLatestDiffs());
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Safety);
        var diffs = await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tickets.Select(t => t.Key.TrackRef), Is.EqualTo(new[] { "a.wav", "b.wav" }));
            Assert.That(outcomes.All(o => o.Succeeded), Is.True);
            Assert.That(outcomes[1].Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "onset.strength", "rms" }));
            Assert.That(diffs.All(d => !d.RequiresRegeneration), Is.True, "the banner condition clears after Regenerate All");
        });
    }

    [Test]
    public async Task Regenerate_PanelRow_UsesTheRowsReasonAndOwners()
    {
        await using var services = Create();
        var queue = services.Get<IRegenerationQueue>();
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms", "spectral.centroid"));
        services.Bus.Publish(services.Intent("el-2", "a.wav", AnalysisProfile.DefaultId, "rms"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        var missing = await queue.Regenerate(diff, diff.Missing.Single(d => d.ToString() == "rms")).Completion.WaitAsync(Safety);
        var rerun = await queue.Regenerate(diff, diff.Missing.Single(d => d.ToString() == "rms")).Completion.WaitAsync(Safety);
        var current = (await services.Scheduler.RunFrameAsync()).Single();
        var manual = await queue.Regenerate(current, current.Current.Single()).Completion.WaitAsync(Safety);

        var reasons = events.Snapshot().Where(e => e.Status == RegenerationStatus.Succeeded).Select(e => (e.Reason, string.Join(",", e.RequestingElementIds))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(missing.Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "rms" }), "only the row's descriptor");
            Assert.That(rerun.Succeeded && manual.Succeeded, Is.True);
            Assert.That(reasons[0], Is.EqualTo((RegenerationReason.Missing, "el-1,el-2")));
            Assert.That(reasons[2], Is.EqualTo((RegenerationReason.Manual, "el-1,el-2")));
        });
    }

    [Test]
    public async Task AddAudioVisCache_RegistersTheQueueServices()
    {
        await using var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetService<IAnalysisAvailability>()!.IsAvailable, Is.True);
            Assert.That(provider.GetService<IExportCoordinator>()!.IsExportInProgress, Is.False);
            Assert.That(provider.GetRequiredService<IOptions<RegenerationOptions>>().Value.MaxDegreeOfParallelism, Is.EqualTo(Environment.ProcessorCount));
            Assert.That(provider.GetRequiredService<IRegenerationQueue>().IsPaused, Is.False, "the built-in analyzer is registered, so the queue resolves");
        });
    }

    [Test]
    public void ServiceProvider_DisposedSynchronously_DisposesTheQueue()
    {
        var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider();
        var queue = provider.GetRequiredService<IRegenerationQueue>();

        provider.Dispose();

        Assert.That(() => queue.Enqueue(new RegenerationRequest(new CacheKey("t.wav", "default"), [DescriptorId.Parse("rms")], RegenerationReason.Manual, [])), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void Options_Defaults()
    {
        var options = new RegenerationOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxDegreeOfParallelism, Is.EqualTo(Environment.ProcessorCount));
            Assert.That(options.AutoRegenerate, Is.False);
            Assert.That(options.DisposeTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.Retry.MaxAttempts, Is.EqualTo(1));
            Assert.That(options.Retry.BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(options.Retry.BackoffMultiplier, Is.EqualTo(2.0));
            Assert.That(options.Retry.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(new RegenerationOptionsValidator().Validate(null, options).Succeeded, Is.True);
            Assert.That(new RegenerationOptionsCrossFieldValidator().Validate(null, options).Succeeded, Is.True);
        });
    }

    [Test]
    public void Options_OutOfRange_FailWithExactMessages()
    {
        var options = new RegenerationOptions { MaxDegreeOfParallelism = 0 };
        options.Retry.MaxAttempts = 0;
        options.Retry.BackoffMultiplier = 0.5;

        var result = new RegenerationOptionsValidator().Validate(null, options);

        Assert.That(result.Failures, Is.EqualTo(new[]
        {
            "MaxDegreeOfParallelism: The field RegenerationOptions.MaxDegreeOfParallelism must be between 1 and 1024.",
            "MaxAttempts: The field RegenerationOptions.Retry.MaxAttempts must be between 1 and 100.",
            "BackoffMultiplier: The field RegenerationOptions.Retry.BackoffMultiplier must be between 1 and 100.",
        }));
    }

    [Test]
    public void Options_CrossField_FailWithExactMessages()
    {
        var options = new RegenerationOptions { DisposeTimeout = TimeSpan.FromHours(2) };
        options.Retry.BaseDelay = TimeSpan.FromSeconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);

        var result = new RegenerationOptionsCrossFieldValidator().Validate(null, options);

        Assert.That(result.Failures, Is.EqualTo(new[]
        {
            "RegenerationOptions.DisposeTimeout (02:00:00) must be between 00:00:00 and 01:00:00.",
            "RegenerationOptions.Retry.MaxDelay (00:00:05) must be at least RegenerationOptions.Retry.BaseDelay (00:00:10).",
        }));
    }

    [Test]
    public void ConfigureRegeneration_InvalidOptions_ThrowOnFirstUse()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().ConfigureRegeneration(o => o.Retry.MaxDelay = TimeSpan.FromDays(2)).Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<RegenerationOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.EqualTo("RegenerationOptions.Retry.MaxDelay (2.00:00:00) must be between 00:00:00 and 1.00:00:00."));
    }

    private static TestServices Create(Action<RegenerationOptions>? configure = null) => new(s =>
    {
        s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>()));
        s.Configure<RegenerationOptions>(o =>
        {
            o.MaxDegreeOfParallelism = 2;
            configure?.Invoke(o);
        });
    });
}
