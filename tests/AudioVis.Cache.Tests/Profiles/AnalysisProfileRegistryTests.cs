using AudioVis.Cache.Profiles;
using Microsoft.Extensions.Logging.Testing;

namespace AudioVis.Cache.Tests.Profiles;

public sealed class AnalysisProfileRegistryTests
{
    private static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { FftSize = 4096, WindowSize = 4096 }, "HighRes FFT");

    [Test]
    public void Add_Replace_Remove_RaiseChangesInOrder()
    {
        var registry = new AnalysisProfileRegistry([AnalysisProfile.Default], new FakeLogger<AnalysisProfileRegistry>());
        var changes = new List<AnalysisProfileChange>();
        using var subscription = registry.Subscribe(changes.Add);
        var replacement = HiRes with { };
        var hiRes2 = new AnalysisProfile("hires", HiRes.Parameters with { HopSize = 256 });

        registry.Add(HiRes);
        registry.Replace(hiRes2);
        var removed = registry.Remove("hires");

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.True);
            Assert.That(changes, Is.EqualTo(new[]
            {
                new AnalysisProfileChange(AnalysisProfileChangeKind.Added, "hires", null, HiRes),
                new AnalysisProfileChange(AnalysisProfileChangeKind.Replaced, "hires", HiRes, hiRes2),
                new AnalysisProfileChange(AnalysisProfileChangeKind.Removed, "hires", hiRes2, null),
            }));
            Assert.That(registry.Profiles, Is.EqualTo(new[] { AnalysisProfile.Default }));
            Assert.That(registry.WasDeleted("hires"), Is.True);
            Assert.That(registry.WasDeleted("default"), Is.False);
        });
    }

    [Test]
    public void Get_DeletedProfile_ThrowsSayingItWasDeleted()
    {
        var registry = new AnalysisProfileRegistry([HiRes], new FakeLogger<AnalysisProfileRegistry>());
        registry.Remove("hires");

        var ex = Assert.Throws<UnknownAnalysisProfileException>(() => registry.Get("hires"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ProfileId, Is.EqualTo("hires"));
            Assert.That(ex.WasDeleted, Is.True);
            Assert.That(ex.Message, Is.EqualTo("Analysis profile 'hires' was deleted; choose a replacement profile."));
        });
    }

    [Test]
    public void Get_NeverRegistered_ThrowsSayingItIsNotRegistered()
    {
        var registry = new AnalysisProfileRegistry([], new FakeLogger<AnalysisProfileRegistry>());

        var ex = Assert.Throws<UnknownAnalysisProfileException>(() => registry.Get("nope"));

        Assert.That(ex!.Message, Is.EqualTo("Analysis profile 'nope' is not registered."));
    }

    [Test]
    public void Add_Existing_ThrowsAndChangesNothing()
    {
        var registry = new AnalysisProfileRegistry([HiRes], new FakeLogger<AnalysisProfileRegistry>());
        var changes = new List<AnalysisProfileChange>();
        using var subscription = registry.Subscribe(changes.Add);

        Assert.That(() => registry.Add(new AnalysisProfile("hires", AnalysisParameters.Default)), Throws.TypeOf<DuplicateAnalysisProfileException>().With.Message.Contains("'hires'"));
        Assert.Multiple(() =>
        {
            Assert.That(registry.Get("hires"), Is.SameAs(HiRes));
            Assert.That(changes, Is.Empty);
        });
    }

    [Test]
    public void Replace_Unknown_ThrowsAndChangesNothing()
    {
        var registry = new AnalysisProfileRegistry([], new FakeLogger<AnalysisProfileRegistry>());

        Assert.That(() => registry.Replace(HiRes), Throws.TypeOf<UnknownAnalysisProfileException>());
        Assert.That(registry.Profiles, Is.Empty);
    }

    [Test]
    public void Remove_Unknown_ReturnsFalse()
    {
        var registry = new AnalysisProfileRegistry([], new FakeLogger<AnalysisProfileRegistry>());

        Assert.That(registry.Remove("nope"), Is.False);
    }

    [Test]
    public void Add_AfterDelete_ClearsDeletedState()
    {
        var registry = new AnalysisProfileRegistry([HiRes], new FakeLogger<AnalysisProfileRegistry>());
        registry.Remove("hires");

        registry.Add(HiRes);

        Assert.That(registry.WasDeleted("hires"), Is.False);
    }

    [Test]
    public void Subscribe_ThrowingHandler_IsLoggedAndOthersStillRun()
    {
        var logger = new FakeLogger<AnalysisProfileRegistry>();
        var registry = new AnalysisProfileRegistry([], logger);
        var seen = 0;
        using var bad = registry.Subscribe(_ => throw new InvalidOperationException("boom"));
        using var good = registry.Subscribe(_ => seen++);

        registry.Add(HiRes);

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(1));
            Assert.That(registry.TryGet("hires", out _), Is.True);
            Assert.That(logger.Collector.GetSnapshot().Single().Exception, Is.TypeOf<InvalidOperationException>());
        });
    }

    [Test]
    public void Subscribe_DisposedSubscription_StopsDelivery()
    {
        var registry = new AnalysisProfileRegistry([], new FakeLogger<AnalysisProfileRegistry>());
        var seen = 0;
        var subscription = registry.Subscribe(_ => seen++);

        subscription.Dispose();
        subscription.Dispose();
        registry.Add(HiRes);

        Assert.That(seen, Is.Zero);
    }

    [Test]
    public void Constructor_DuplicateIds_Throws()
    {
        Assert.That(() => new AnalysisProfileRegistry([HiRes, HiRes], new FakeLogger<AnalysisProfileRegistry>()), Throws.TypeOf<DuplicateAnalysisProfileException>());
    }
}
