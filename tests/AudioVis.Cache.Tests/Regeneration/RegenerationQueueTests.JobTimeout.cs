using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AudioVis.Cache.Tests.Regeneration.QueueHarness;

namespace AudioVis.Cache.Tests.Regeneration;

/// <summary>Issue #12, item 6: <see cref="RegenerationOptions.JobTimeout"/> cancels an attempt that runs too long, through the queue's <see cref="TimeProvider"/>.</summary>
public sealed partial class RegenerationQueueTests
{
    private static readonly TimeSpan Timeout10S = TimeSpan.FromSeconds(10);

    [Test]
    public async Task JobTimeout_AttemptRunsLonger_FailsWithTimeoutNamingIt_AndFreesItsKey()
    {
        await using var h = new QueueHarness(o => o.JobTimeout = Timeout10S);
        h.Analyzer.Hold();
        var hung = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1).WaitAsync(Safety);
        var next = h.Queue.Enqueue(Request("a.wav", "peak"));

        h.Time.Advance(Timeout10S - TimeSpan.FromMilliseconds(1));
        Assert.That(hung.Completion.IsCompleted, Is.False, "not before the timeout");
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await hung.Completion.WaitAsync(Safety);
        h.Analyzer.Release();
        var after = await next.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(outcome.Error, Is.TypeOf<TimeoutException>());
            Assert.That(outcome.Error!.Message, Does.Contain("RegenerationOptions.JobTimeout (00:00:10)").And.Contain($"job {hung.JobId}"));
            Assert.That(after.Status, Is.EqualTo(RegenerationStatus.Succeeded), "the key is free for the next job");
            Assert.That(h.Logs.GetSnapshot().Count(r => r.Id.Id == 2001), Is.EqualTo(1), "logged like any failure");
        });
    }

    [Test]
    public async Task JobTimeout_TimedOutAttempt_IsRetriedPerRetryPolicy()
    {
        await using var h = new QueueHarness(o => WithTimeoutAndRetries(o, attempts: 2, TimeSpan.Zero));
        h.Analyzer.Hold();
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1).WaitAsync(Safety);

        h.Time.Advance(Timeout10S);
        await h.Analyzer.WaitForCallsAsync(2).WaitAsync(Safety);
        h.Analyzer.Release();
        var outcome = await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(outcome.Attempts, Is.EqualTo(2));
            Assert.That(h.Events.Snapshot().Any(e => e.Status == RegenerationStatus.Queued && e.Error is TimeoutException), Is.True, "the retry event carries the timeout");
        });
    }

    [Test]
    public async Task JobTimeout_EachAttemptGetsTheWholeTimeout()
    {
        await using var h = new QueueHarness(o => WithTimeoutAndRetries(o, attempts: 2, TimeSpan.FromSeconds(5)));
        h.Analyzer.Hold();
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1).WaitAsync(Safety);
        h.Time.Advance(Timeout10S);
        await h.Events.WaitForAsync(e => e.Status == RegenerationStatus.Queued && e.Error is TimeoutException);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Analyzer.WaitForCallsAsync(2).WaitAsync(Safety);

        h.Time.Advance(Timeout10S - TimeSpan.FromMilliseconds(1));
        Assert.That(ticket.Completion.IsCompleted, Is.False, "the second attempt's clock started when it did");
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(outcome.Attempts, Is.EqualTo(2));
            Assert.That(outcome.Error, Is.TypeOf<TimeoutException>());
        });
    }

    [Test]
    public async Task JobTimeout_JobFinishingInTime_IsNotAffectedLater()
    {
        await using var h = new QueueHarness(o => o.JobTimeout = Timeout10S);
        var outcome = await h.Queue.RegenerateAsync(Request("a.wav", "rms")).WaitAsync(Safety);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Analyzer.Hold();
        var second = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(2).WaitAsync(Safety);
        h.Time.Advance(Timeout10S - TimeSpan.FromMilliseconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(second.Completion.IsCompleted, Is.False, "the first job's timer is gone; the second has its own");
        });
    }

    [Test]
    public async Task JobTimeout_Null_NeverCancelsARunningJob()
    {
        await using var h = new QueueHarness();
        h.Analyzer.Hold();
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1).WaitAsync(Safety);

        h.Time.Advance(TimeSpan.FromDays(2));
        Assert.That(ticket.Completion.IsCompleted, Is.False);
        h.Analyzer.Release();
        Assert.That((await ticket.Completion.WaitAsync(Safety)).Status, Is.EqualTo(RegenerationStatus.Succeeded));
    }

    [Test]
    public async Task JobTimeout_CancelAfterTheTimeoutFired_EndsCancelledNotRetried()
    {
        await using var h = new QueueHarness(o => WithTimeoutAndRetries(o, attempts: 3, TimeSpan.Zero));
        h.Analyzer.Hold();
        h.Analyzer.HonorCancellation = false;
        var ticket = h.Queue.Enqueue(Request("a.wav", "rms"));
        await h.Analyzer.WaitForCallsAsync(1).WaitAsync(Safety);
        h.Time.Advance(Timeout10S);
        h.Queue.Cancel(ticket.JobId);
        h.Analyzer.FailWith = _ => new OperationCanceledException();
        h.Analyzer.Release();
        var outcome = await ticket.Completion.WaitAsync(Safety);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(RegenerationStatus.Cancelled));
            Assert.That(h.Analyzer.CallCount, Is.EqualTo(1));
        });
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(86_400_001)]
    public void JobTimeout_OutOfRange_FailsValidationNamingTheValue(int milliseconds)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        var options = new RegenerationOptions { JobTimeout = value };

        var result = new RegenerationOptionsCrossFieldValidator().Validate(null, options);

        Assert.That(result.Failures, Is.EqualTo(new[] { $"RegenerationOptions.JobTimeout ({value}) must be greater than 00:00:00 and at most 1.00:00:00, or null for none." }));
    }

    [Test]
    public void JobTimeout_DefaultIsNullAndValid()
    {
        var options = new RegenerationOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.JobTimeout, Is.Null);
            Assert.That(new RegenerationOptionsCrossFieldValidator().Validate(null, new RegenerationOptions { JobTimeout = TimeSpan.FromDays(1) }).Succeeded, Is.True);
        });
    }

    [Test]
    public void ConfigureRegeneration_InvalidJobTimeout_ThrowsOptionsValidationExceptionNamingIt()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().ConfigureRegeneration(o => o.JobTimeout = TimeSpan.Zero).Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<RegenerationOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.EqualTo("RegenerationOptions.JobTimeout (00:00:00) must be greater than 00:00:00 and at most 1.00:00:00, or null for none."));
    }

    private static void WithTimeoutAndRetries(RegenerationOptions options, int attempts, TimeSpan delay)
    {
        options.JobTimeout = Timeout10S;
        options.Retry.MaxAttempts = attempts;
        options.Retry.BaseDelay = delay;
        options.Retry.MaxDelay = delay;
    }
}
