using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Regeneration;
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
            Assert.That(Inner(provider), Is.TypeOf<InMemoryFeatureStore>());
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
            Assert.That(((FileSystemFeatureStore)Inner(provider)).RootDirectory, Is.EqualTo(cache));
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
    public void Builder_UseFeatureStore_UseTrackAudioResolver_ReplaceTheDefaults_AndTheSourceMonitorIsTheDefaultHashProvider()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .UseFeatureStore<InMemoryFeatureStore>()
            .UseTrackAudioResolver<GoldenResolver>()
            .Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(Inner(provider), Is.TypeOf<InMemoryFeatureStore>());
            Assert.That(provider.GetRequiredService<ITrackAudioResolver>(), Is.TypeOf<GoldenResolver>());
            Assert.That(provider.GetRequiredService<ITrackSourceHashProvider>(), Is.TypeOf<TrackSourceMonitor>());
            Assert.That(provider.GetRequiredService<ITrackSourceMonitor>(), Is.SameAs(provider.GetRequiredService<ITrackSourceHashProvider>()));
        });
    }

    [Test]
    public async Task UseInMemoryStores_WithFeatureCacheRoot_RegeneratesWithoutWritingAnythingToDisk()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var audio = Directory.CreateDirectory(Path.Combine(folder.Path, "audio")).FullName;
        var cache = Path.Combine(folder.Path, "cache");
        Integration.SourceIdentityEndToEndTests.WriteWav(Path.Combine(audio, "a.wav"), seconds: 1, amplitude: 0.5f);
        var services = new ServiceCollection();
        services.AddSingleton<IDiagnosticsPreferenceStore>(new UnusableStores());
        await using var provider = services
            .AddAudioVisCache(o =>
            {
                o.AudioRoot = audio;
                o.FeatureCacheRoot = cache;
                o.DiagnosticsPreferencesPath = Path.Combine(folder.Path, "prefs.json");
            })
            .UseHistoryStore<UnusableStores>()
            .UseInMemoryStores()
            .Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        var scheduler = provider.GetRequiredService<IDiffScheduler>();

        bus.Publish(AnalysisIntent.Create("e", "a.wav", AnalysisProfile.DefaultId, ["rms", "spectrum.bands8"], provider.GetRequiredService<IProjectTimebase>().GetUtcNow()));
        await provider.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
        await scheduler.RunFrameAsync();
        var tickets = provider.GetRequiredService<IRegenerationQueue>().RegenerateAll(scheduler.GetLatestDiffs());
        var outcomes = await Task.WhenAll(tickets.Select(t => t.Completion));
        await scheduler.RunFrameAsync();
        await provider.GetRequiredService<IDiagnosticsPanel>().OpenAsync();

        // History is appended in batches on a background loop: wait for it before reading (this raced in CI once).
        await ((RegenerationQueue)provider.GetRequiredService<IRegenerationQueue>()).FlushHistoryAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var history = await provider.GetRequiredService<IHistoryStore>().QueryAsync(new HistoryQuery());

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
            Assert.That(scheduler.GetLatestDiffs().Single().RequiresRegeneration, Is.False, "the in-memory stores hold what the analysis wrote");
            Assert.That(history.Entries, Has.Count.EqualTo(1), "the in-memory history store replaced the one registered before");
            Assert.That(Inner(provider), Is.TypeOf<InMemoryFeatureStore>());
            Assert.That(provider.GetRequiredService<ICacheMetadataStore>(), Is.TypeOf<InMemoryCacheMetadataStore>());
            Assert.That(Directory.Exists(cache), Is.False, "no blob, database or fingerprint file is written");
            Assert.That(Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories), Is.EqualTo(new[] { Path.Combine(audio, "a.wav") }));
        });
    }

    [Test]
    public void AddAudioVisCache_HostRegisteredFeatureStore_IsKept()
    {
        var store = new InMemoryFeatureStore();
        var services = new ServiceCollection();
        services.AddSingleton<IFeatureStore>(store);

        using var provider = services.AddAudioVisCache(o => o.FeatureCacheRoot = "/tmp/unused").Services.BuildServiceProvider();

        Assert.That(Inner(provider), Is.SameAs(store), "the host's store is kept, wrapped so reads report blob health");
    }

    [Test]
    public void AddAudioVisCache_Twice_WrapsTheFeatureStoreOnce()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache();
        services.AddAudioVisCache();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.That(Inner(provider), Is.TypeOf<InMemoryFeatureStore>());
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

    [TestCase(0)]
    [TestCase(65)]
    public void Options_AnalysisDegreeOfParallelismOutOfRange_FailsValidationNamingIt(int value)
    {
        using var provider = new ServiceCollection().AddAudioVisCache(o => o.AnalysisDegreeOfParallelism = value).Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[] { $"AudioVisCacheOptions.AnalysisDegreeOfParallelism is {value}; it must be from 1 to 64." }));
    }

    [Test]
    public void Options_FolderWithNulCharacter_FailsValidationNamingIt()
    {
        using var provider = new ServiceCollection().AddAudioVisCache(o => o.AudioRoot = "a\0b").Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("AudioVisCacheOptions.AudioRoot 'a\0b' is not a valid path"));
    }

    [Test]
    public void AddAudioVisCache_NoHostCalculators_CatalogueIsTheDefault()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IDescriptorCatalog>(), Is.SameAs(DescriptorCatalog.Default));
    }

    [Test]
    public void AddCalculator_Generic_DescriptorsJoinTheCatalogueAtTheCalculatorVersion_AndTwiceIsHarmless()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .AddCalculator<EnergyCalculator>()
            .AddCalculator<EnergyCalculator>()
            .Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var catalog = provider.GetRequiredService<IDescriptorCatalog>();

        Assert.Multiple(() =>
        {
            Assert.That(catalog.TryGetDefinition(DescriptorId.Parse("energy.total@L"), out var definition), Is.True);
            Assert.That(definition!.CalculatorId, Is.EqualTo("energy"));
            Assert.That(definition.CalculatorVersion, Is.EqualTo(4));
            Assert.That(catalog.Definitions, Has.Count.EqualTo(DescriptorCatalog.Default.Definitions.Count + 1));
            Assert.That(catalog.TryGetDefinition(DescriptorId.Parse("rms"), out _), Is.True, "the built-ins stay");
        });
    }

    [Test]
    public async Task HostRegisteredDescriptorCalculatorService_IsComputedByTheAnalyzer()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IDescriptorCalculator>(new EnergyCalculator());
        using var provider = services.AddAudioVisCache().UseTrackAudioResolver<GoldenResolver>().Services.BuildServiceProvider();
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [DescriptorId.Parse("energy.total@mid"), DescriptorId.Parse("rms@mid")]);

        var records = await provider.GetRequiredService<IAudioAnalyzer>().AnalyzeAsync(request, null);

        Assert.That(records.Select(r => $"{r.Descriptor} {r.CalculatorId} v{r.CalculatorVersion}"), Is.EqualTo(new[] { "energy.total@mid energy v4", "rms@mid time v3" }));
    }

    [Test]
    public void AddCalculator_IdOfABuiltIn_ThrowsNamingIt()
    {
        var builder = new ServiceCollection().AddAudioVisCache();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddCalculator(new NamedCalculator("spectral")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("calculator"));
            Assert.That(ex.Message, Does.StartWith($"Calculator id 'spectral' of {typeof(NamedCalculator).FullName} is the id of a built-in calculator; give the host's calculator its own id."));
        });
    }

    [TestCase("Energy")]
    [TestCase("energy@L")]
    [TestCase("energy..total")]
    [TestCase("")]
    public void AddCalculator_MalformedId_ThrowsNamingIt(string id)
    {
        var builder = new ServiceCollection().AddAudioVisCache();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddCalculator(new NamedCalculator(id)));

        Assert.That(ex!.Message, Does.StartWith($"Calculator id '{id}' of {typeof(NamedCalculator).FullName} is malformed: use dot-separated segments"));
    }

    [Test]
    public void Options_TwoHostCalculatorsWithOneId_FailValidationWithExactText()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .AddCalculator(new NamedCalculator("energy"))
            .AddCalculator<EnergyCalculator>()
            .Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[]
        {
            $"Calculator id 'energy' is registered twice, by {typeof(NamedCalculator).FullName} and {typeof(EnergyCalculator).FullName}; give each calculator its own id.",
        }));
    }

    [Test]
    public void Options_HostCalculatorMalformedIdThroughTheContainer_FailsValidationNamingIt()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().AddCalculator<MalformedCalculator>().Services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(
                () => provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value,
                Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Calculator id 'Energy' of"));
            Assert.That(
                () => provider.GetRequiredService<IDescriptorCatalog>(),
                Throws.ArgumentException.With.Message.Contains("Calculator id 'Energy' of"),
                "resolved without the options, the catalogue fails the same way");
        });
    }

    [Test]
    public void Options_HostDescriptorNameOfABuiltIn_FailsValidationNamingIt()
    {
        using var provider = new ServiceCollection()
            .AddAudioVisCache()
            .AddCalculator(new NamedCalculator("mine", "rms"))
            .Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[]
        {
            "The calculators registered by the host do not fit the catalogue: The descriptor catalogue has two definitions named 'rms'.",
        }));
    }

    /// <summary>The store the registered <see cref="IFeatureStore"/> wraps (it reports blob health to the differ).</summary>
    private static IFeatureStore Inner(IServiceProvider provider) =>
        ((HealthReportingFeatureStore)provider.GetRequiredService<IFeatureStore>()).Inner;

    private sealed class GoldenResolver : ITrackAudioResolver
    {
        public IAudioSource Open(string trackRef) => AnalyzerGolden.Source(trackRef);

        public string? GetChangeToken(string trackRef) => null;
    }

    /// <summary>A host's calculator with a parameterless constructor: total power per frame.</summary>
    private sealed class EnergyCalculator() : NamedCalculator("energy", "energy.total", 4);

    private sealed class MalformedCalculator() : NamedCalculator("Energy", "energy.total");

    private class NamedCalculator(string id, string descriptor = "energy.total", int version = 1) : IDescriptorCalculator
    {
        public string Id => id;

        public int Version => version;

        public IReadOnlyList<DescriptorDefinition> Definitions { get; } = [new DescriptorDefinition(descriptor, string.IsNullOrEmpty(id) ? "x" : id, version, "power", "Total power.")];

        public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context) => new TotalPower();

        private sealed class TotalPower : IDescriptorFrameComputer
        {
            public int ValuesPerFrame => 1;

            public void Compute(in AnalysisFrame frame, Span<float> values)
            {
                var sum = 0f;
                foreach (var p in frame.Power)
                {
                    sum += p;
                }

                values[0] = sum;
            }
        }
    }

    /// <summary>A history and preference store that fails every call: registered before <c>UseInMemoryStores</c>, it must not be used.</summary>
    private sealed class UnusableStores : IHistoryStore, IDiagnosticsPreferenceStore
    {
        public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => throw new InvalidOperationException("replaced");

        public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => throw new InvalidOperationException("replaced");

        public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("replaced");

        public ValueTask<DiagnosticsPreferences> LoadAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("replaced");

        public ValueTask SaveAsync(DiagnosticsPreferences preferences, CancellationToken cancellationToken = default) => throw new InvalidOperationException("replaced");
    }
}
