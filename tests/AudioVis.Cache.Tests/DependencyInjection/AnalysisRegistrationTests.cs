using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Analysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Tests.DependencyInjection;

/// <summary>The analysis services of <c>AddAudioVisCache</c>: feature store, track audio resolver, analyzer, source hashes.</summary>
public sealed class AnalysisRegistrationTests
{
    [Test]
    public void AddAudioVisCache_NoFolders_InMemoryFeatureStoreAndResolverInTheCurrentDirectory()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IFeatureStore>(), Is.TypeOf<InMemoryFeatureStore>());
            Assert.That(provider.GetRequiredService<IAudioAnalyzer>(), Is.TypeOf<AudioAnalyzer>());
            Assert.That(
                ((FileSystemTrackAudioResolver)provider.GetRequiredService<ITrackAudioResolver>()).RootDirectory,
                Is.EqualTo(Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory())));
        });
    }

    [Test]
    public void AddAudioVisCache_WithFolders_FileSystemFeatureStoreAndResolverUnderThem()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var audio = Path.Combine(folder.Path, "audio");
        var cache = Path.Combine(folder.Path, "cache");

        using var provider = new ServiceCollection()
            .AddAudioVisCache(o =>
            {
                o.AudioRoot = audio;
                o.FeatureCacheRoot = cache;
            })
            .Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(((FileSystemFeatureStore)provider.GetRequiredService<IFeatureStore>()).RootDirectory, Is.EqualTo(cache));
            Assert.That(((FileSystemTrackAudioResolver)provider.GetRequiredService<ITrackAudioResolver>()).RootDirectory, Is.EqualTo(audio));
        });
    }

    [Test]
    public async Task AddAudioVisCache_AnalyzerFromTheContainer_WritesBlobsAndRecordsToTheRegisteredStores()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .UseTrackAudioResolver<GoldenResolver>()
            .Services.BuildServiceProvider();
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [DescriptorId.Parse("rms@mid")]);

        await provider.GetRequiredService<IAudioAnalyzer>().AnalyzeAsync(request, null);

        Assert.Multiple(async () =>
        {
            Assert.That(await provider.GetRequiredService<IFeatureStore>().ListAsync(request.Key), Is.EqualTo(request.Descriptors));
            Assert.That(await provider.GetRequiredService<ICacheMetadataStore>().GetRecordsAsync(request.Key), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Builder_UseFeatureStore_UseTrackAudioResolver_UseResolverSourceHashes_ReplaceTheDefaults()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .UseFeatureStore<InMemoryFeatureStore>()
            .UseTrackAudioResolver<GoldenResolver>()
            .UseResolverSourceHashes()
            .Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IFeatureStore>(), Is.TypeOf<InMemoryFeatureStore>());
            Assert.That(provider.GetRequiredService<ITrackAudioResolver>(), Is.TypeOf<GoldenResolver>());
            Assert.That(provider.GetRequiredService<ITrackSourceHashProvider>(), Is.TypeOf<ResolverTrackSourceHashProvider>());
        });
    }

    [Test]
    public void AddAudioVisCache_HostRegisteredFeatureStore_IsKept()
    {
        var store = new InMemoryFeatureStore();
        var services = new ServiceCollection();
        services.AddSingleton<IFeatureStore>(store);

        using var provider = services.AddAudioVisCache(o => o.FeatureCacheRoot = "/tmp/unused").Services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IFeatureStore>(), Is.SameAs(store));
    }

    [Test]
    public void Options_WhitespaceFolders_FailValidationWithExactText()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache(o =>
            {
                o.AudioRoot = " ";
                o.FeatureCacheRoot = string.Empty;
            })
            .Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[]
        {
            "AudioVisCacheOptions.AudioRoot is empty; set a folder or leave it null.",
            "AudioVisCacheOptions.FeatureCacheRoot is empty; set a folder or leave it null.",
        }));
    }

    [Test]
    public void Options_FolderWithNulCharacter_FailsValidationNamingIt()
    {
        using var provider = new ServiceCollection().AddAudioVisCache(o => o.AudioRoot = "a\0b").Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("AudioVisCacheOptions.AudioRoot 'a\0b' is not a valid path"));
    }

    private sealed class GoldenResolver : ITrackAudioResolver
    {
        public IAudioSource Open(string trackRef) => AnalyzerGolden.Source(trackRef);

        public string? GetChangeToken(string trackRef) => null;
    }
}
