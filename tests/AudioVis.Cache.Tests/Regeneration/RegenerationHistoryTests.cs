using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Tests.TestSupport;
using static AudioVis.Cache.Tests.Regeneration.QueueHarness;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>The queue records every final job outcome in the history store (issue #8, "the history logger").</summary>
public sealed class RegenerationHistoryTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Enqueue_JobSucceeds_RecordsOneManualSuccessWithDurationAndElements()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        var request = new RegenerationRequest(Key("a.wav"), [DescriptorId.Parse("rms@mid"), DescriptorId.Parse("zcr")], RegenerationReason.Missing, ["bars", "pulse"]);
        var ticket = h.Queue.Enqueue(request);
        await h.Analyzer.WaitForCallsAsync(1);
        h.Time.Advance(TimeSpan.FromMilliseconds(1234));
        h.Analyzer.Release();
        var outcome = await ticket.Completion.WaitAsync(Safety);

        var entry = (await h.HistoryAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Action, Is.EqualTo(HistoryAction.ManualRegenerate));
            Assert.That(entry.Status, Is.EqualTo(HistoryStatus.Success));
            Assert.That(entry.Key, Is.EqualTo(Key("a.wav")));
            Assert.That(entry.DescriptorIds.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid", "zcr" }));
            Assert.That(entry.ElementIds, Is.EqualTo(new[] { "bars", "pulse" }));
            Assert.That(entry.DurationMs, Is.EqualTo(1234));
            Assert.That(entry.JobId, Is.EqualTo(outcome.JobId));
            Assert.That(entry.Attempt, Is.EqualTo(1));
            Assert.That(entry.Trigger, Is.EqualTo(RegenerationReason.Missing));
            Assert.That(entry.ErrorType, Is.Null);
            Assert.That(entry.Timestamp, Is.EqualTo(h.Time.GetUtcNow()));
            Assert.That(entry.Id.Version, Is.EqualTo(7));
        });
    }

    [Test]
    public async Task Enqueue_JobFailsAfterRetries_RecordsOneFailureWithErrorTypeMessageAndLastAttempt()
    {
        await using var h = new QueueHarness(o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.BaseDelay = TimeSpan.Zero;
        });
        h.Analyzer.FailWith = _ => new InvalidDataException("decoder broke at 12 s");

        var outcome = await h.Queue.Enqueue(Request("a.wav", "rms")).Completion.WaitAsync(Safety);

        var entry = (await h.HistoryAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(entry.Status, Is.EqualTo(HistoryStatus.Failure));
            Assert.That(entry.ErrorType, Is.EqualTo("System.IO.InvalidDataException"));
            Assert.That(entry.ErrorMessage, Is.EqualTo("decoder broke at 12 s"));
            Assert.That(entry.Attempt, Is.EqualTo(3));
            Assert.That(entry.JobId, Is.EqualTo(outcome.JobId));
        });
    }

    [Test]
    public async Task Cancel_QueuedJob_RecordsFailureWithCancelledTypeAndNoDuration()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        h.Analyzer.Hold();
        var running = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        var queued = h.Queue.Enqueue(Request("b.wav", "zcr"));

        Assert.That(h.Queue.Cancel(queued.JobId), Is.True);
        h.Analyzer.Release();
        await running.Completion.WaitAsync(Safety);
        await queued.Completion.WaitAsync(Safety);

        var entries = await h.HistoryAsync();
        var cancelled = entries.Single(e => e.JobId == queued.JobId);
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Count.EqualTo(2));
            Assert.That(cancelled.Status, Is.EqualTo(HistoryStatus.Failure));
            Assert.That(cancelled.ErrorType, Is.EqualTo(HistoryEntry.CancelledErrorType));
            Assert.That(cancelled.ErrorMessage, Is.EqualTo("The job was cancelled before it ran."));
            Assert.That(cancelled.Attempt, Is.Zero);
            Assert.That(cancelled.DurationMs, Is.Zero);
            Assert.That(entries.Single(e => e.JobId == running.JobId).Status, Is.EqualTo(HistoryStatus.Success));
        });
    }

    [Test]
    public async Task OnDiffPublished_StaleProfile_RecordsAutoRegenerateWithTheStaleReasonInWords()
    {
        await using var h = new QueueHarness();
        var key = Key("a.wav");
        var oldParameters = AnalysisParameters.Default with { HopSize = 256 };
        var cached = Records.Make(key, "rms", oldParameters);
        var intent = AnalysisIntent.Create("pulse", "a.wav", AnalysisProfile.DefaultId, ["rms", "zcr"], h.Time.GetUtcNow());
        var diff = CacheDiffCalculator.Compute(key, [intent], AnalysisProfile.Default, null, [cached], DescriptorCatalog.Default);
        Assert.That(diff.Stale.Select(d => d.ToString()), Is.EqualTo(new[] { "rms" }), "precondition: rms is stale");

        h.Queue.OnDiffPublished(diff);
        await h.Events.WaitForAsync(e => e.IsFinal);

        var entry = (await h.HistoryAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Action, Is.EqualTo(HistoryAction.AutoRegenerate));
            Assert.That(entry.Trigger, Is.EqualTo(RegenerationReason.Missing | RegenerationReason.Stale));
            Assert.That(entry.TriggerDetail, Does.StartWith("rms: profile parameters changed: "));
            Assert.That(entry.TriggerDetail, Does.Contain("256").And.Contain("512"));
            Assert.That(entry.ElementIds, Is.EqualTo(new[] { "pulse" }));
        });
    }

    [Test]
    public async Task OnDiffPublished_ManualRequestJoinsTheAutomaticJob_RecordsManualRegenerate()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        h.Analyzer.Hold();
        var blocker = h.Queue.Enqueue(Request("blocker.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        var key = Key("a.wav");
        var intent = AnalysisIntent.Create("pulse", "a.wav", AnalysisProfile.DefaultId, ["rms"], h.Time.GetUtcNow());
        h.Queue.OnDiffPublished(CacheDiffCalculator.Compute(key, [intent], AnalysisProfile.Default, null, [], DescriptorCatalog.Default));
        var manual = h.Queue.Enqueue(Request(key, "rms"));
        h.Analyzer.Release();
        await blocker.Completion.WaitAsync(Safety);
        await manual.Completion.WaitAsync(Safety);

        var entry = (await h.HistoryAsync()).Single(e => e.Key == key);
        Assert.Multiple(() =>
        {
            Assert.That(entry.Action, Is.EqualTo(HistoryAction.ManualRegenerate));
            Assert.That(entry.Trigger, Is.EqualTo(RegenerationReason.Missing));
        });
    }

    [Test]
    public async Task DisposeAsync_QueuedJobs_FlushesTheirCancelledEntriesBeforeReturning()
    {
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), TimeProvider.System);
        var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1, history);
        h.Analyzer.Hold();
        _ = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1);
        for (var i = 0; i < 50; i++)
        {
            _ = h.Queue.Enqueue(Request($"q{i}.wav", "zcr"));
        }

        await h.DisposeAsync();

        var entries = (await history.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize })).Entries;
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Count.EqualTo(51));
            Assert.That(entries.Where(e => e.TrackRef != "a.wav").Select(e => e.ErrorMessage).Distinct(), Is.EqualTo(new[] { "The regeneration queue was disposed before the job finished." }));
            Assert.That(entries, Has.All.Matches<HistoryEntry>(e => e!.Status == HistoryStatus.Failure && e.ErrorType == HistoryEntry.CancelledErrorType));
        });
    }

    [Test]
    public async Task Enqueue_HistoryStoreThrows_JobStillSucceedsAndTheLossIsLogged()
    {
        await using var h = new QueueHarness(history: new ThrowingHistoryStore());

        var outcome = await h.Queue.Enqueue(Request("a.wav", "rms")).Completion.WaitAsync(Safety);
        await h.Queue.FlushHistoryAsync().WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(h.Logs.GetSnapshot().Where(r => r.Id.Id == 3001).Select(r => r.Message), Is.EqualTo(new[] { "Appending 1 history entries failed; they are missing from the audit history." }));
        });
    }

    private sealed class ThrowingHistoryStore : IHistoryStore
    {
        public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) =>
            throw new IOException("disk full");

        public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
            new(new HistoryPage([], null));

        public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => new(0);
    }
}
