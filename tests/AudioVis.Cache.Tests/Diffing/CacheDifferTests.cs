using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Diffing;

public sealed class CacheDifferTests
{
    private static readonly CacheKey Key = new("intro.wav", "hires");

    [Test]
    public async Task DiffAsync_ReadsTheStoreOnceAndReportsTheState()
    {
        using var services = new TestServices();
        await services.Store.UpsertAsync(Key, [Records.Current(Key, "rms", TestServices.HiRes)]);

        var diff = await services.Differ.DiffAsync(Key, [services.Intent("e", "intro.wav", "hires", "rms", "zcr")]);

        Assert.Multiple(() =>
        {
            Assert.That(diff.Current.Select(d => d.ToString()), Is.EqualTo(new[] { "rms" }));
            Assert.That(diff.Missing.Select(d => d.ToString()), Is.EqualTo(new[] { "zcr" }));
            Assert.That(services.Store.Reads[Key], Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DiffAsync_UsesTheTrackSourceHashProvider()
    {
        using var services = new TestServices(s => s.AddSingleton<ITrackSourceHashProvider>(new FixedSourceHashes("pcm-sha256:new")));
        await services.Store.UpsertAsync(Key, [Records.Current(Key, "rms", TestServices.HiRes)]);

        var diff = await services.Differ.DiffAsync(Key, [services.Intent("e", "intro.wav", "hires", "rms")]);

        Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[] { new SourceChanged(Records.Source, "pcm-sha256:new") }));
    }

    [Test]
    public void DiffAsync_IntentOfAnotherKey_ThrowsNamingIt()
    {
        using var services = new TestServices();

        Assert.That(
            async () => await services.Differ.DiffAsync(Key, [services.Intent("e", "drop.ogg", "hires", "rms")]),
            Throws.ArgumentException.With.Message.EqualTo("The intent of element 'e' is for drop.ogg | hires, not for intro.wav | hires. (Parameter 'intents')"));
        Assert.That(services.Store.TotalReads, Is.Zero);
    }

    [Test]
    public void DiffAsync_TwoIntentsOfOneElement_Throws()
    {
        using var services = new TestServices();

        Assert.That(
            async () => await services.Differ.DiffAsync(Key, [services.Intent("e", "intro.wav", "hires", "rms"), services.Intent("e", "intro.wav", "hires", "zcr")]),
            Throws.ArgumentException.With.Message.Contains("element 'e'"));
    }

    [Test]
    public void DiffAsync_NeverRegisteredProfile_ThrowsUnknownProfile()
    {
        using var services = new TestServices();

        Assert.That(
            async () => await services.Differ.DiffAsync(new CacheKey("intro.wav", "nope"), []),
            Throws.TypeOf<UnknownAnalysisProfileException>().With.Property("ProfileId").EqualTo("nope"));
    }

    [Test]
    public async Task DiffAsync_DeletedProfile_ReturnsDeletedDiff()
    {
        using var services = new TestServices();
        services.Profiles.Remove("hires");

        var diff = await services.Differ.DiffAsync(Key, []);

        Assert.That(diff.IsProfileDeleted, Is.True);
    }

    [Test]
    public void DiffAsync_NullOrDefaultArguments_Throw()
    {
        using var services = new TestServices();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await services.Differ.DiffAsync(Key, null!), Throws.ArgumentNullException);
            Assert.That(async () => await services.Differ.DiffAsync(Key, [null!]), Throws.ArgumentNullException);
            Assert.That(async () => await services.Differ.DiffAsync(default, []), Throws.ArgumentException);
        });
    }

    private sealed class FixedSourceHashes(string hash) : ITrackSourceHashProvider
    {
        public ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default) => new(TrackSourceStatus.Known(hash));
    }
}
