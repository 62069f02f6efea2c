using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static AudioVis.Cache.Tests.Regeneration.QueueHarness;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>
/// Issue #12, item 7 (found by the reliability suite's shutdown test): on a starved thread pool a job's work item may
/// only run after disposal gave up waiting and reported the job cancelled; it must then report nothing more.
/// </summary>
public sealed partial class RegenerationQueueTests
{
    [Test]
    public async Task Dispose_GivesUpOnAJobWhoseWorkItemHasNotRunYet_NoEventAfterItsFinalStatus()
    {
        var logs = new FakeLogCollector();
        var time = new FakeTimeProvider();
        var registry = new AnalysisProfileRegistry([AnalysisProfile.Default], new FakeLogger<AnalysisProfileRegistry>(logs));

        // The work item's first step (profile lookup, before any lock) stalls like a work item waiting for a thread.
        var profiles = new StallingProfiles(registry, stallOnCall: 2);
        var analyzer = new FakeAnalyzer();
        var queue = new RegenerationQueue(
            analyzer,
            profiles,
            new AnalysisAvailability(new FakeLogger<AnalysisAvailability>(logs)),
            new ExportCoordinator(new FakeLogger<ExportCoordinator>(logs)),
            Microsoft.Extensions.Options.Options.Create(new RegenerationOptions { DisposeTimeout = TimeSpan.FromSeconds(1) }),
            time,
            new FakeLogger<RegenerationQueue>(logs));
        var events = new StatusRecorder();
        using var subscription = queue.Subscribe(events.Add);
        var ticket = queue.Enqueue(Request("a.wav", "rms"));
        await profiles.Stalled.WaitAsync(Safety);

        var dispose = queue.DisposeAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        await dispose.WaitAsync(Safety);
        var outcome = await ticket.Completion.WaitAsync(Safety);
        profiles.Resume();
        await profiles.Resumed.WaitAsync(Safety);

        // Nothing can be awaited for an event that must not come: the work item runs on synchronously from here, so a
        // short grace period is ample for a Running event (it came within microseconds before the fix).
        await Task.Delay(200);
        var jobEvents = events.Snapshot().Where(e => e.JobId == ticket.JobId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(jobEvents[^1].Status, Is.EqualTo(RegenerationStatus.Cancelled), "the final status is the last event");
            Assert.That(jobEvents.Count(e => e.IsFinal), Is.EqualTo(1));
            Assert.That(analyzer.CallCount, Is.Zero, "the analyzer never started");
        });
    }

    /// <summary>A profile registry whose <paramref name="stallOnCall"/>-th <see cref="TryGet"/> blocks until <see cref="Resume"/>.</summary>
    private sealed class StallingProfiles(IAnalysisProfileRegistry inner, int stallOnCall) : IAnalysisProfileRegistry
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _resume = new();
        private int _calls;

        public Task Stalled => _stalled.Task;

        public Task Resumed => _resumed.Task;

        public IReadOnlyList<AnalysisProfile> Profiles => inner.Profiles;

        public void Resume() => _resume.Set();

        public bool TryGet(string profileId, [MaybeNullWhen(false)] out AnalysisProfile profile)
        {
            if (Interlocked.Increment(ref _calls) == stallOnCall)
            {
                _stalled.SetResult();
                _resume.Wait(TimeSpan.FromSeconds(20));
                _resumed.SetResult();
            }

            return inner.TryGet(profileId, out profile);
        }

        public AnalysisProfile Get(string profileId) => inner.Get(profileId);

        public bool WasDeleted(string profileId) => inner.WasDeleted(profileId);

        public void Add(AnalysisProfile profile) => inner.Add(profile);

        public void Replace(AnalysisProfile profile) => inner.Replace(profile);

        public bool Remove(string profileId) => inner.Remove(profileId);

        public IDisposable Subscribe(Action<AnalysisProfileChange> handler) => inner.Subscribe(handler);
    }
}
