using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Tests.TestSupport;

namespace AudioVis.Cache.Tests.Intents;

public sealed class AnalysisIntentBusTests
{
    [Test]
    public void Publish_FirstIntent_EmitsPublished()
    {
        using var services = new TestServices();
        var changes = new List<AnalysisIntentChange>();
        using var subscription = services.Bus.Subscribe(changes.Add);
        var intent = services.Intent("e1", "t.wav", "default", "rms");

        var emitted = services.Bus.Publish(intent);

        Assert.Multiple(() =>
        {
            Assert.That(emitted, Is.True);
            Assert.That(changes, Is.EqualTo(new[] { new AnalysisIntentChange(AnalysisIntentChangeKind.Published, "e1", null, intent) }));
            Assert.That(services.Bus.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void Publish_UnchangedIntent_IsMemoizedAndNotEmitted()
    {
        using var services = new TestServices();
        var first = services.Intent("e1", "t.wav", "default", "rms", "zcr");
        services.Bus.Publish(first);
        var changes = new List<AnalysisIntentChange>();
        using var subscription = services.Bus.Subscribe(changes.Add);
        services.Time.Advance(TimeSpan.FromSeconds(1));

        var sameInstance = services.Bus.Publish(first);
        var equalRequestLaterTime = services.Bus.Publish(services.Intent("e1", "t.wav", "default", "zcr", "rms"));

        Assert.Multiple(() =>
        {
            Assert.That(sameInstance, Is.False);
            Assert.That(equalRequestLaterTime, Is.False);
            Assert.That(changes, Is.Empty);
            Assert.That(services.Bus.TryGetIntent("e1", out var kept) ? kept : null, Is.SameAs(first));
        });
    }

    [Test]
    public void Publish_ChangedIntent_EmitsUpdatedWithPrevious()
    {
        using var services = new TestServices();
        var first = services.Intent("e1", "t.wav", "default", "rms");
        var second = services.Intent("e1", "t.wav", "default", "rms@L");
        services.Bus.Publish(first);
        var changes = new List<AnalysisIntentChange>();
        using var subscription = services.Bus.Subscribe(changes.Add);

        services.Bus.Publish(second);

        Assert.That(changes, Is.EqualTo(new[] { new AnalysisIntentChange(AnalysisIntentChangeKind.Updated, "e1", first, second) }));
    }

    [Test]
    public void Retract_KnownElement_EmitsRetractedAndForgetsIt()
    {
        using var services = new TestServices();
        var intent = services.Intent("e1", "t.wav", "default", "rms");
        services.Bus.Publish(intent);
        var changes = new List<AnalysisIntentChange>();
        using var subscription = services.Bus.Subscribe(changes.Add);

        var retracted = services.Bus.Retract("e1");
        var again = services.Bus.Retract("e1");

        Assert.Multiple(() =>
        {
            Assert.That(retracted, Is.True);
            Assert.That(again, Is.False);
            Assert.That(changes, Is.EqualTo(new[] { new AnalysisIntentChange(AnalysisIntentChangeKind.Retracted, "e1", intent, null) }));
            Assert.That(services.Bus.GetIntents(), Is.Empty);
        });
    }

    [Test]
    public void Publish_UnknownProfile_ThrowsNamingItAndChangesNothing()
    {
        using var services = new TestServices();
        var kept = services.Intent("e1", "t.wav", "default", "rms");
        services.Bus.Publish(kept);
        var changes = new List<AnalysisIntentChange>();
        using var subscription = services.Bus.Subscribe(changes.Add);

        var ex = Assert.Throws<UnknownAnalysisProfileException>(() => services.Bus.Publish(services.Intent("e1", "t.wav", "nope", "rms")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ProfileId, Is.EqualTo("nope"));
            Assert.That(ex.WasDeleted, Is.False);
            Assert.That(changes, Is.Empty);
            Assert.That(services.Bus.TryGetIntent("e1", out var current) ? current : null, Is.SameAs(kept));
        });
    }

    [Test]
    public void Publish_DeletedProfile_ThrowsSayingItWasDeleted()
    {
        using var services = new TestServices();
        services.Profiles.Remove("hires");

        var ex = Assert.Throws<UnknownAnalysisProfileException>(() => services.Bus.Publish(services.Intent("e1", "t.wav", "hires", "rms")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.WasDeleted, Is.True);
            Assert.That(services.Bus.Count, Is.Zero);
        });
    }

    [Test]
    public void Publish_ThrowingSubscriber_IsLoggedAndPublishingContinues()
    {
        using var services = new TestServices();
        var delivered = new List<string>();
        using var bad = services.Bus.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        using var good = services.Bus.Subscribe(c => delivered.Add(c.ElementId));

        var first = services.Bus.Publish(services.Intent("e1", "t.wav", "default", "rms"));
        var second = services.Bus.Publish(services.Intent("e2", "t.wav", "default", "rms"));

        Assert.Multiple(() =>
        {
            Assert.That(first && second, Is.True);
            Assert.That(delivered, Is.EqualTo(new[] { "e1", "e2" }));
            Assert.That(services.Bus.Count, Is.EqualTo(2));
            var errors = services.Logs.GetSnapshot().Where(r => r.Exception is InvalidOperationException).ToArray();
            Assert.That(errors, Has.Length.EqualTo(2));
            Assert.That(errors[0].Id.Id, Is.EqualTo(1001));
            Assert.That(errors[0].Message, Is.EqualTo("A subscriber of IAnalysisIntentBus threw; publishing continues."));
        });
    }

    [Test]
    public void GetIntents_IsOrderedByElementId()
    {
        using var services = new TestServices();
        foreach (var id in new[] { "c", "a", "B", "b" })
        {
            services.Bus.Publish(services.Intent(id, "t.wav", "default", "rms"));
        }

        Assert.That(services.Bus.GetIntents().Select(i => i.ElementId), Is.EqualTo(new[] { "B", "a", "b", "c" }));
    }

    [Test]
    public void Publish_ConcurrentElements_AllLand()
    {
        using var services = new TestServices();
        var emitted = 0;
        using var subscription = services.Bus.Subscribe(_ => Interlocked.Increment(ref emitted));

        Parallel.For(0, 2000, i => services.Bus.Publish(services.Intent($"e{i % 500}", $"t{i % 500 % 7}", "default", i < 500 ? "rms" : "zcr")));

        Assert.Multiple(() =>
        {
            Assert.That(services.Bus.Count, Is.EqualTo(500));
            Assert.That(emitted, Is.InRange(1000, 1500), "each element gets one rms and three zcr publishes: 2 or 3 of them change its intent, the rest are memoized");
        });
    }

    [Test]
    public void Publish_Null_Throws()
    {
        using var services = new TestServices();

        Assert.Multiple(() =>
        {
            Assert.That(() => services.Bus.Publish(null!), Throws.ArgumentNullException);
            Assert.That(() => services.Bus.Retract(null!), Throws.ArgumentNullException);
        });
    }
}
