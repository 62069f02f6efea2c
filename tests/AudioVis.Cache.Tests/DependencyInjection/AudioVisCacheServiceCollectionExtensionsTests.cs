using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.DependencyInjection;

public sealed class AudioVisCacheServiceCollectionExtensionsTests
{
    [Test]
    public void AddAudioVisCache_ResolvesEveryService()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetService<IAnalysisIntentBus>(), Is.Not.Null);
            Assert.That(provider.GetService<ICacheDiffer>(), Is.Not.Null);
            Assert.That(provider.GetService<IDiffScheduler>(), Is.Not.Null);
            Assert.That(provider.GetService<ICacheMetadataStore>(), Is.TypeOf<InMemoryCacheMetadataStore>());
            Assert.That(provider.GetService<IDescriptorCatalog>(), Is.SameAs(DescriptorCatalog.Default));
            Assert.That(provider.GetService<IProjectTimebase>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<IAnalysisProfileRegistry>().Profiles, Is.EqualTo(new[] { AnalysisProfile.Default }));
        });
    }

    [Test]
    public void AddAudioVisCache_KeepsHostRegistrations()
    {
        var store = new InMemoryCacheMetadataStore();
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<ICacheMetadataStore>(store);
        services.AddSingleton<TimeProvider>(time);

        using var provider = services.AddAudioVisCache().Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.SameAs(store));
            Assert.That(provider.GetRequiredService<IProjectTimebase>().GetUtcNow(), Is.EqualTo(time.GetUtcNow()));
        });
    }

    // Issue #11: AddAudioVisCache registered NullLoggerFactory with TryAdd, so a host calling it before AddLogging() lost every log.
    [Test]
    public void AddAudioVisCache_BeforeAddLogging_LeavesTheHostsLoggingWorking()
    {
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddAudioVisCache();
        services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(collector)));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILogger<AudioVisCacheServiceCollectionExtensionsTests>>().LogInformation("host message");

        Assert.Multiple(() =>
        {
            Assert.That(collector.GetSnapshot().Select(r => r.Message), Does.Contain("host message"), "the host's own logger writes");
            Assert.That(provider.GetRequiredService<ILoggerFactory>(), Is.Not.SameAs(NullLoggerFactory.Instance));
        });
    }

    [Test]
    public void AddAudioVisCache_Twice_IsHarmless()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache();
        var count = services.Count;

        services.AddAudioVisCache();
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(services, Has.Count.EqualTo(count + 4), "only the four ValidateOnStart registrations (AudioVisCacheOptions, HistoryRetentionOptions, SourceIdentityOptions, RegenerationOptions) are added again");
            Assert.That(provider.GetServices<IAnalysisIntentBus>().Count(), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IAnalysisProfileRegistry>().Profiles, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Builder_AddProfile_UseMetadataStore_UseTrackSourceHashes()
    {
        var hiRes = new AnalysisProfile("hires", AnalysisParameters.Default with { FftSize = 4096 });

        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .AddProfile(hiRes)
            .UseMetadataStore<CustomStore>()
            .UseTrackSourceHashes<CustomHashes>()
            .Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IAnalysisProfileRegistry>().Get("hires"), Is.SameAs(hiRes));
            Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.TypeOf<CustomStore>());
            Assert.That(provider.GetRequiredService<ITrackSourceHashProvider>(), Is.TypeOf<CustomHashes>());
        });
    }

    [Test]
    public void Options_DuplicateProfileIds_FailValidationWithExactText()
    {
        var profile = new AnalysisProfile("hires", AnalysisParameters.Default);
        using var provider = new ServiceCollection()
            .AddAudioVisCache(o =>
            {
                o.Profiles.Add(profile);
                o.Profiles.Add(profile);
                o.Profiles.Add(new AnalysisProfile("default", AnalysisParameters.Default));
            })
            .Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[]
        {
            "AudioVisCacheOptions.Profiles[1] has the id 'hires', which another profile already uses.",
            "AudioVisCacheOptions.Profiles[2] has the id 'default', which the built-in profile uses; set IncludeDefaultProfile to false to replace it.",
        }));
    }

    [Test]
    public void Options_NullProfile_FailsValidation()
    {
        using var provider = new ServiceCollection().AddAudioVisCache(o => o.Profiles.Add(null!)).Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IAnalysisProfileRegistry>(),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("AudioVisCacheOptions.Profiles[0] is null."));
    }

    [Test]
    public void Options_WithoutDefaultProfile_RegistersOnlyTheGivenOnes()
    {
        var replacement = new AnalysisProfile("default", AnalysisParameters.Default with { HopSize = 256 });
        using var provider = new ServiceCollection()
            .AddAudioVisCache(o =>
            {
                o.IncludeDefaultProfile = false;
                o.Profiles.Add(replacement);
            })
            .Services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IAnalysisProfileRegistry>().Get("default"), Is.SameAs(replacement));
    }

    private sealed class CustomStore : ICacheMetadataStore
    {
        private readonly InMemoryCacheMetadataStore _inner = new();

        public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) => _inner.GetRecordsAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => _inner.GetKeysAsync(cancellationToken);

        public ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default) => _inner.UpsertAsync(key, records, cancellationToken);

        public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) => _inner.RemoveAsync(key, descriptors, cancellationToken);
    }

    private sealed class CustomHashes : ITrackSourceHashProvider
    {
        public ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default) => new(TrackSourceStatus.Known("h"));
    }
}
