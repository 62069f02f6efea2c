using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>
/// Issue #9 item 5: a descriptor whose regeneration failed is reported failed in the next diff, and Regenerate All (and
/// auto-regeneration) do not retry it while its inputs are unchanged. The queue and scheduler are wired through DI.
/// </summary>
public sealed class FailedDescriptorServicesTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);
    private static readonly DescriptorId Rms = DescriptorId.Parse("rms");
    private static readonly DescriptorId Zcr = DescriptorId.Parse("zcr");

    [Test]
    public async Task FailedJob_NextDiff_ReportsTheDescriptorFailedWithErrorAndAttempts()
    {
        await using var services = Create(o => o.Retry.MaxAttempts = 2);
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        analyzer.FailWith = _ => new InvalidDataException("decoder exploded");
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();

        var outcome = await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        var diff = (await services.Scheduler.RunFrameAsync()).SingleOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(diff, Is.Not.Null, "the failure changes the diff, so the next frame publishes it");
            Assert.That(diff!.Failed, Is.EqualTo(new[] { new FailedDescriptor(Rms, outcome.JobId, "System.IO.InvalidDataException", "decoder exploded", 2, services.Time.GetUtcNow()) }));
            Assert.That(diff.Missing, Is.EqualTo(new[] { Rms }), "a failed descriptor is still missing: the banner counts it");
            Assert.That(diff.RequiresRegeneration, Is.True);
            Assert.That(diff.ToString(), Does.EndWith(", 1 failed"));
        });
    }

    [Test]
    public async Task RegenerateAll_FailedDescriptorWithUnchangedInputs_IsSkippedUnlessIncludeFailed()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        analyzer.FailWith = r => r.Descriptors.Contains(Rms) ? new InvalidDataException("decoder exploded") : null;
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();
        await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        await services.Scheduler.RunFrameAsync();

        var skipped = queue.RegenerateAll(services.Scheduler.GetLatestDiffs());
        var callsAfterSkip = analyzer.CallCount;
        analyzer.FailWith = null;
        var included = queue.RegenerateAll(services.Scheduler.GetLatestDiffs(), includeFailed: true);
        var outcome = await included.Single().Completion.WaitAsync(Safety);
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(skipped, Is.Empty, "Regenerate All does not retry a failed descriptor whose inputs are unchanged");
            Assert.That(callsAfterSkip, Is.EqualTo(1));
            Assert.That(outcome.Succeeded, Is.True);
            Assert.That(diff.Failed, Is.Empty, "a successful regeneration clears the failed state");
            Assert.That(diff.Current, Is.EqualTo(new[] { Rms }));
        });
    }

    [Test]
    public async Task RegenerateAll_FailedAndMissingDescriptors_EnqueuesOnlyTheOnesThatDidNotFail()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        analyzer.FailWith = _ => new InvalidDataException("decoder exploded");
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();
        await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        analyzer.FailWith = null;
        services.Bus.Publish(services.Intent("el-2", "a.wav", AnalysisProfile.DefaultId, "zcr"));
        await services.Scheduler.RunFrameAsync();

        var outcome = await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Descriptors, Is.EqualTo(new[] { Zcr }));
            Assert.That(diff.Failed.Select(f => f.Descriptor), Is.EqualTo(new[] { Rms }), "the failure survives an unrelated success of its key");
            Assert.That(diff.Missing, Is.EqualTo(new[] { Rms }));
        });
    }

    [Test]
    public async Task ProfileEdit_ClearsTheFailedState_AndRegenerateAllIncludesTheDescriptorAgain()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        analyzer.FailWith = _ => new InvalidDataException("decoder exploded");
        services.Bus.Publish(services.Intent("el-1", "a.wav", TestServices.HiRes.Id, "rms"));
        await services.Scheduler.RunFrameAsync();
        await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        var failed = await LatestAsync(services);

        services.Profiles.Replace(new AnalysisProfile(TestServices.HiRes.Id, TestServices.HiRes.Parameters with { HopSize = 2048 }, "HighRes FFT"));
        var edited = (await services.Scheduler.RunFrameAsync()).Single();
        var tickets = queue.RegenerateAll(services.Scheduler.GetLatestDiffs());

        Assert.Multiple(() =>
        {
            Assert.That(failed.Failed, Has.Count.EqualTo(1));
            Assert.That(edited.Failed, Is.Empty, "the inputs changed: the failure no longer applies");
            Assert.That(tickets, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SourceChange_ClearsTheFailedState()
    {
        var hashes = new MutableSourceHashes { Hash = "pcm-sha256:one" };
        await using var services = Create(extra: s => s.AddSingleton<ITrackSourceHashProvider>(hashes));
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        await FailRmsAsync(services, queue, analyzer);
        var failed = await LatestAsync(services);

        hashes.Hash = "pcm-sha256:two";
        services.Scheduler.Invalidate(failed.Key);
        var changed = await LatestAsync(services);
        hashes.Hash = "pcm-sha256:one";
        services.Scheduler.Invalidate(failed.Key);
        var changedBack = await LatestAsync(services);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Failed, Has.Count.EqualTo(1));
            Assert.That(changed.Failed, Is.Empty, "the source changed: the failure no longer applies");
            Assert.That(changedBack.Failed, Is.Empty, "a failure that stopped applying is forgotten");
        });
    }

    [Test]
    public async Task ProfileEditedBack_FailureStaysCleared()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        analyzer.FailWith = _ => new InvalidDataException("decoder exploded");
        services.Bus.Publish(services.Intent("el-1", "a.wav", TestServices.HiRes.Id, "rms"));
        await services.Scheduler.RunFrameAsync();
        await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);

        services.Profiles.Replace(new AnalysisProfile(TestServices.HiRes.Id, TestServices.HiRes.Parameters with { HopSize = 2048 }, "HighRes FFT"));
        services.Profiles.Replace(TestServices.HiRes);
        var diff = await LatestAsync(services);

        Assert.That(diff.Failed, Is.Empty);
    }

    [Test]
    public async Task SteadyStateFrame_WithAFailedDescriptor_AllocatesNothing()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        await FailRmsAsync(services, queue, analyzer);
        var failed = await LatestAsync(services);
        await services.Scheduler.RunFrameAsync();

        var synchronous = true;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            synchronous &= services.Scheduler.RunFrameAsync().IsCompletedSuccessfully;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(failed.Failed, Has.Count.EqualTo(1));
            Assert.That(synchronous, Is.True);
            Assert.That(allocated, Is.Zero);
        });
    }

    [Test]
    public async Task Retry_ClearsTheFailedState()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        var outcome = await FailRmsAsync(services, queue, analyzer);
        analyzer.Hold();

        var retry = queue.Retry(outcome.JobId);
        var diff = await LatestAsync(services);
        analyzer.Release();
        await retry.Completion.WaitAsync(Safety);

        Assert.That(diff.Failed, Is.Empty, "Retry clears the failed state while the job runs again");
    }

    [Test]
    public async Task PanelRegenerate_ClearsTheFailedState()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        await FailRmsAsync(services, queue, analyzer);
        analyzer.Hold();

        services.Scheduler.TryGetLatest(new CacheKey("a.wav", AnalysisProfile.DefaultId), out var failed);
        var ticket = queue.Regenerate(failed!, Rms);
        var diff = await LatestAsync(services);
        analyzer.Release();
        await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(failed!.Failed, Has.Count.EqualTo(1));
            Assert.That(diff.Failed, Is.Empty, "the panel's Regenerate clears the failed state");
        });
    }

    [Test]
    public async Task RetractedDescriptor_ClearsTheFailedState()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        await FailRmsAsync(services, queue, analyzer);

        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "zcr"));
        await services.Scheduler.RunFrameAsync();
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(diff.Failed, Is.Empty, "a descriptor nobody requested any more forgets its failure");
            Assert.That(queue.RegenerateAll([diff]), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task CancelledJob_IsNotAFailure()
    {
        await using var services = Create();
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();
        analyzer.Hold();
        var ticket = queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single();
        await analyzer.WaitForCallsAsync(1);

        queue.Cancel(ticket.JobId);
        var outcome = await ticket.Completion.WaitAsync(Safety);
        await services.Scheduler.RunFrameAsync();
        services.Scheduler.TryGetLatest(ticket.Key, out var diff);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(diff!.Failed, Is.Empty);
            Assert.That(queue.RegenerateAll([diff]), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task AutoRegenerate_FailedDescriptor_IsNotRetriedWhenTheGroupChanges()
    {
        await using var services = Create(o => o.AutoRegenerate = true);
        var (queue, analyzer) = (services.Get<IRegenerationQueue>(), Analyzer(services));
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        analyzer.FailWith = r => r.Descriptors.Contains(Rms) ? new InvalidDataException("decoder exploded") : null;
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();
        await events.WaitForAsync(e => e.Status == RegenerationStatus.Failed);
        var failed = await LatestAsync(services);

        services.Bus.Publish(services.Intent("el-2", "a.wav", AnalysisProfile.DefaultId, "zcr"));
        await services.Scheduler.RunFrameAsync();
        await events.WaitForAsync(e => e.Status == RegenerationStatus.Succeeded);
        var diff = await LatestAsync(services);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Failed, Has.Count.EqualTo(1));
            Assert.That(analyzer.Calls.Select(c => string.Join(",", c.Descriptors)), Is.EqualTo(new[] { "rms", "zcr" }), "auto-regeneration does not retry the failed descriptor");
            Assert.That(diff.Failed.Select(f => f.Descriptor), Is.EqualTo(new[] { Rms }));
            Assert.That(diff.Current, Is.EqualTo(new[] { Zcr }));
        });
    }

    private static async Task<RegenerationOutcome> FailRmsAsync(TestServices services, IRegenerationQueue queue, FakeAnalyzer analyzer)
    {
        analyzer.FailWith = _ => new InvalidDataException("decoder exploded");
        services.Bus.Publish(services.Intent("el-1", "a.wav", AnalysisProfile.DefaultId, "rms"));
        await services.Scheduler.RunFrameAsync();
        var outcome = await queue.RegenerateAll(services.Scheduler.GetLatestDiffs()).Single().Completion.WaitAsync(Safety);
        await services.Scheduler.RunFrameAsync();
        analyzer.FailWith = null;
        return outcome;
    }

    /// <summary>Runs a frame and returns the group's latest diff (published by this frame or an earlier one).</summary>
    private static async Task<CacheDiff> LatestAsync(TestServices services)
    {
        await services.Scheduler.RunFrameAsync();
        Assert.That(services.Scheduler.TryGetLatest(new CacheKey("a.wav", AnalysisProfile.DefaultId), out var diff) || services.Scheduler.TryGetLatest(new CacheKey("a.wav", TestServices.HiRes.Id), out diff), Is.True);
        return diff!;
    }

    private static FakeAnalyzer Analyzer(TestServices services) => (FakeAnalyzer)services.Get<IAudioAnalyzer>();

    private static TestServices Create(Action<RegenerationOptions>? configure = null, Action<IServiceCollection>? extra = null) => new(s =>
    {
        extra?.Invoke(s);
        s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>()));
        s.Configure<RegenerationOptions>(o =>
        {
            o.MaxDegreeOfParallelism = 2;
            o.Retry.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });
    });

    private sealed class MutableSourceHashes : ITrackSourceHashProvider
    {
        public string? Hash { get; set; }

        public ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default) => new(Hash is null ? TrackSourceStatus.Unknown : TrackSourceStatus.Known(Hash));
    }
}
