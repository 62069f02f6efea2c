using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AudioVis.Cache in a service collection.</summary>
public static class AudioVisCacheServiceCollectionExtensions
{
    /// <summary>The service key of the feature store the registered <see cref="IFeatureStore"/> wraps.</summary>
    private const string InnerFeatureStoreKey = "AudioVis.Cache.InnerFeatureStore";

    /// <summary>One delegate instance, so a second <c>AddAudioVisCache</c> recognises the wrapper it registered.</summary>
    private static readonly Func<IServiceProvider, IFeatureStore> ReportingFeatureStoreFactory = CreateReportingFeatureStore;

    /// <summary>
    /// Adds the AudioVis.Cache services: the profile registry, the descriptor catalogue (the built-in calculators and those
    /// registered with <see cref="AddCalculator(IAudioVisCacheBuilder, IDescriptorCalculator)"/>), the intent bus, the differ,
    /// the diff scheduler, an in-memory cache metadata store and history store (retention from
    /// <see cref="ConfigureHistory"/>), the feature store (on disk under
    /// <see cref="AudioVisCacheOptions.FeatureCacheRoot"/>, else in memory), the track audio resolver (files under
    /// <see cref="AudioVisCacheOptions.AudioRoot"/>), the audio analyzer, and the regeneration queue with its availability
    /// signal, export coordinator and export manifest writer (under
    /// <see cref="AudioVisCacheOptions.ExportsRoot"/>). Every registration uses <c>TryAdd</c>, so a host
    /// can register its own implementation of any part first; calling this twice is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (profiles to register).</param>
    /// <returns>A builder to chain further configuration.</returns>
    public static IAudioVisCacheBuilder AddAudioVisCache(this IServiceCollection services, Action<AudioVisCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AudioVisCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioVisCacheOptions>, AudioVisCacheOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        // The standard logging registrations (TryAdd inside): a host's AddLogging, before or after, adds its providers to the same factory.
        services.AddLogging();
        services.TryAddSingleton<IProjectTimebase>(sp => new TimeProviderProjectTimebase(sp.GetRequiredService<TimeProvider>()));
        // The built-in calculators plus every IDescriptorCalculator the host registered (AddCalculator); the catalogue is theirs,
        // so the differ knows the host's descriptors and versions, and the analyzer computes them in its single pass.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioVisCacheOptions>, HostCalculatorsValidator>());
        services.TryAddSingleton(sp => CalculatorRegistry.WithHostCalculators(sp.GetServices<IDescriptorCalculator>()));
        services.TryAddSingleton<IDescriptorCatalog>(sp => sp.GetRequiredService<CalculatorRegistry>().Catalog);
        services.TryAddSingleton<ICacheMetadataStore, InMemoryCacheMetadataStore>();
        services.AddOptions<HistoryRetentionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HistoryRetentionOptions>>(new ThrowingOptionsValidator<HistoryRetentionOptions>(static o => o.Validate())));
        services.TryAddSingleton<IHistoryStore>(CreateInMemoryHistoryStore);
        services.AddOptions<SourceIdentityOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SourceIdentityOptions>>(new ThrowingOptionsValidator<SourceIdentityOptions>(static o => o.Validate())));
        services.TryAddSingleton(sp => new TrackSourceMonitor(
            sp.GetRequiredService<ITrackAudioResolver>(),
            sp.GetRequiredService<IAnalysisIntentBus>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SourceIdentityOptions>>().Value,
            // UseInMemoryStores: the fingerprints are not kept either.
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.FeatureCacheRoot is { } root && sp.GetService<InMemoryStoresSelected>() is null
                ? Path.Combine(Path.GetFullPath(root), SourceFingerprintCache.FileName)
                : null,
            sp.GetRequiredService<ILogger<TrackSourceMonitor>>()));
        services.TryAddSingleton<ITrackSourceMonitor>(sp => sp.GetRequiredService<TrackSourceMonitor>());
        services.TryAddSingleton<ITrackSourceHashProvider>(sp => sp.GetRequiredService<TrackSourceMonitor>());
        services.TryAddSingleton<IAnalysisProfileRegistry>(sp =>
        {
            var value = sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value;
            IEnumerable<AnalysisProfile> profiles = value.IncludeDefaultProfile ? [AnalysisProfile.Default, .. value.Profiles] : value.Profiles;
            return new AnalysisProfileRegistry(profiles, sp.GetRequiredService<ILogger<AnalysisProfileRegistry>>());
        });
        AddFeatureStore(services);
        services.TryAddSingleton<ITrackAudioResolver>(sp =>
            new FileSystemTrackAudioResolver(sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.AudioRoot ?? Directory.GetCurrentDirectory()));
        services.TryAddSingleton<IAudioAnalyzer>(sp => new AudioAnalyzer(
            sp.GetRequiredService<ITrackAudioResolver>(),
            sp.GetRequiredService<IFeatureStore>(),
            sp.GetRequiredService<ICacheMetadataStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CalculatorRegistry>(),
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.AnalysisMemoryBudgetBytes,
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.AnalysisDegreeOfParallelism));
        services.TryAddSingleton<IAnalysisIntentBus, AnalysisIntentBus>();
        services.TryAddSingleton<RegenerationFailures>();
        services.TryAddSingleton<ICacheDiffer, CacheDiffer>();
        services.TryAddSingleton<IDiffScheduler>(sp =>
        {
            var scheduler = ActivatorUtilities.CreateInstance<DiffScheduler>(sp);
            // A blob found corrupt or missing, or written again, changes its key's diff (BlobHealth sits below the scheduler).
            sp.GetRequiredService<BlobHealth>().Subscribe(scheduler.Invalidate);
            // A track whose audio changed or became (un)readable changes the diffs of all its groups.
            if (sp.GetRequiredService<ITrackSourceHashProvider>() is TrackSourceMonitor monitor)
            {
                monitor.Subscribe(scheduler.InvalidateTrack);
            }

            return scheduler;
        });
        services.TryAddSingleton<ICacheMaintenance>(sp =>
        {
            var maintenance = ActivatorUtilities.CreateInstance<CacheMaintenance>(sp);
            maintenance.TempFileMaxAge = sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.TempFileMaxAge;
            maintenance.SubscribeKeyChanged(sp.GetRequiredService<IDiffScheduler>().Invalidate);
            return maintenance;
        });
        AddRegeneration(services);
        services.TryAddSingleton<IDiagnosticsFeatureGate>(sp => new ConfigurationDiagnosticsFeatureGate(sp.GetService<IConfiguration>()));
        services.TryAddSingleton(sp => new AudioVisCacheMetrics(
            sp.GetService<IMeterFactory>(),
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.EnableTelemetry));
        services.TryAddSingleton(sp => new CacheBanner(
            sp.GetRequiredService<IDiffScheduler>(),
            sp.GetRequiredService<IRegenerationQueue>(),
            sp.GetRequiredService<IAnalysisAvailability>(),
            sp.GetRequiredService<IExportCoordinator>(),
            sp.GetRequiredService<IAnalysisProfileRegistry>(),
            sp.GetRequiredService<IDiagnosticsFeatureGate>(),
            sp.GetRequiredService<RegenerationCostEstimator>(),
            sp.GetRequiredService<ILogger<CacheBanner>>()));
        services.TryAddSingleton(sp => new RegenerationCostEstimator(
            sp.GetRequiredService<IHistoryStore>(),
            // Only the source monitor knows track lengths; a host's own hash provider means no estimate.
            sp.GetRequiredService<ITrackSourceHashProvider>() as ITrackDurations ?? NoTrackDurations.Instance,
            sp.GetRequiredService<IOptions<RegenerationOptions>>().Value.MaxDegreeOfParallelism,
            sp.GetRequiredService<IRegenerationQueue>(),
            sp.GetRequiredService<ILogger<RegenerationCostEstimator>>()));
        services.TryAddSingleton<ICacheBanner>(sp => sp.GetRequiredService<CacheBanner>());
        services.TryAddSingleton<IDiagnosticsPanel>(sp => new DiagnosticsPanel(
            sp.GetRequiredService<IDiffScheduler>(),
            sp.GetRequiredService<ICacheMetadataStore>(),
            sp.GetRequiredService<CacheBanner>(),
            sp.GetRequiredService<IAnalysisProfileRegistry>(),
            sp.GetRequiredService<IDiagnosticsPreferenceStore>(),
            sp.GetRequiredService<IDiagnosticsFeatureGate>(),
            sp.GetRequiredService<AudioVisCacheMetrics>()));
        services.TryAddSingleton<IDiagnosticsPreferenceStore>(sp => new JsonFileDiagnosticsPreferenceStore(
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.DiagnosticsPreferencesPath is { } path ? Path.GetFullPath(path) : JsonFileDiagnosticsPreferenceStore.DefaultPath,
            sp.GetRequiredService<ILogger<JsonFileDiagnosticsPreferenceStore>>()));
        return new AudioVisCacheBuilder(services);
    }

    /// <summary>Configures the regeneration queue (parallelism, auto-regeneration, retries, dispose timeout).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder ConfigureRegeneration(this IAudioVisCacheBuilder builder, Action<RegenerationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Configures the track source monitor (file watching, periodic checks, retries of unreadable tracks); see <see cref="ITrackSourceMonitor"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options; they are validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder ConfigureSourceIdentity(this IAudioVisCacheBuilder builder, Action<SourceIdentityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Configures how much regeneration history the history store keeps (default: 1000 entries, 30 days).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the retention options; they are validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder ConfigureHistory(this IAudioVisCacheBuilder builder, Action<HistoryRetentionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Replaces where the diagnostics panel's preferences are kept (by default a JSON file in the user's application data
    /// folder, or <see cref="AudioVisCacheOptions.DiagnosticsPreferencesPath"/>) with the host's settings storage.
    /// </summary>
    /// <typeparam name="TStore">The store type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseDiagnosticsPreferenceStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IAudioVisCacheBuilder builder)
        where TStore : class, IDiagnosticsPreferenceStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDiagnosticsPreferenceStore, TStore>());
        return builder;
    }

    /// <summary>
    /// Replaces how the diagnostics feature flag (<see cref="IDiagnosticsFeatureGate.FlagName"/>) is read (by default from
    /// <c>IConfiguration</c>), e.g. with a gate over Microsoft.FeatureManagement's <c>IFeatureManager</c> for rollouts with filters.
    /// </summary>
    /// <typeparam name="TGate">The gate type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseDiagnosticsFeatureGate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TGate>(this IAudioVisCacheBuilder builder)
        where TGate : class, IDiagnosticsFeatureGate
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDiagnosticsFeatureGate, TGate>());
        return builder;
    }

    /// <summary>
    /// Keeps everything in memory: the cache metadata store, the history store, the feature blobs (even when
    /// <see cref="AudioVisCacheOptions.FeatureCacheRoot"/> is set), the diagnostics preferences and the source fingerprints.
    /// Nothing survives the process and nothing is written to disk except export manifests. For tests, previews and hosts
    /// that keep their caches elsewhere.
    /// </summary>
    /// <remarks>
    /// Replaces stores chosen before it (<c>UseSqlite</c>, <see cref="UseMetadataStore{TStore}"/>, ...); a <c>Use…</c> call after
    /// it replaces that store again, but the source fingerprints stay in memory (tracks are hashed again after a restart).
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseInMemoryStores(this IAudioVisCacheBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore, InMemoryCacheMetadataStore>());
        services.Replace(ServiceDescriptor.Singleton<IHistoryStore>(CreateInMemoryHistoryStore));
        services.Replace(ServiceDescriptor.Singleton<IDiagnosticsPreferenceStore, InMemoryDiagnosticsPreferenceStore>());
        services.RemoveAllKeyed<IFeatureStore>(InnerFeatureStoreKey);
        services.Add(ServiceDescriptor.KeyedSingleton<IFeatureStore, InMemoryFeatureStore>(InnerFeatureStoreKey));
        services.TryAddSingleton<InMemoryStoresSelected>();
        return builder;
    }

    /// <summary>Replaces the in-memory history store with the integrator's implementation.</summary>
    /// <typeparam name="TStore">The store type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseHistoryStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IAudioVisCacheBuilder builder)
        where TStore : class, IHistoryStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IHistoryStore, TStore>());
        return builder;
    }

    /// <summary>Registers a profile at start-up (the same as adding it to <see cref="AudioVisCacheOptions.Profiles"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="profile">The profile.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder AddProfile(this IAudioVisCacheBuilder builder, AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(profile);
        builder.Services.Configure<AudioVisCacheOptions>(o => o.Profiles.Add(profile));
        return builder;
    }

    /// <summary>
    /// Registers a descriptor calculator of the host: its descriptors join the catalogue (<see cref="IDescriptorCatalog"/>), the
    /// differ uses its version for staleness, and the analyzer computes them in the same decode and STFT pass as the built-in
    /// ones. The same as registering it as a singleton <see cref="IDescriptorCalculator"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="calculator">The calculator; stateless and thread-safe (see <see cref="IDescriptorCalculator"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">
    /// The calculator's id is malformed (it follows the descriptor name grammar) or is a built-in calculator's id. A clash with
    /// another host calculator (id or descriptor name) fails options validation at start-up (<see cref="OptionsValidationException"/>).
    /// </exception>
    public static IAudioVisCacheBuilder AddCalculator(this IAudioVisCacheBuilder builder, IDescriptorCalculator calculator)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(calculator);
        CalculatorRegistry.CheckHostCalculatorId(calculator, nameof(calculator));
        builder.Services.AddSingleton(calculator);
        return builder;
    }

    /// <summary>
    /// Registers a descriptor calculator of the host, created by the container as a singleton (see
    /// <see cref="AddCalculator(IAudioVisCacheBuilder, IDescriptorCalculator)"/>); registering one type twice is harmless.
    /// </summary>
    /// <typeparam name="TCalculator">The calculator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The id is checked at start-up: a malformed id, a built-in calculator's id, or a clash with another host calculator (id or
    /// descriptor name) fails options validation (<see cref="OptionsValidationException"/>, naming the id).
    /// </remarks>
    public static IAudioVisCacheBuilder AddCalculator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCalculator>(this IAudioVisCacheBuilder builder)
        where TCalculator : class, IDescriptorCalculator
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDescriptorCalculator, TCalculator>());
        return builder;
    }

    /// <summary>Replaces the in-memory cache metadata store with the integrator's implementation.</summary>
    /// <typeparam name="TStore">The store type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseMetadataStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IAudioVisCacheBuilder builder)
        where TStore : class, ICacheMetadataStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore, TStore>());
        return builder;
    }

    /// <summary>
    /// Replaces the track source monitor, as the differ's source of track content hashes, with the host's provider (for hosts
    /// that already know when their audio changes). The host then invalidates the diff scheduler's groups itself when a track changes.
    /// </summary>
    /// <typeparam name="TProvider">The provider type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseTrackSourceHashes<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProvider>(this IAudioVisCacheBuilder builder)
        where TProvider : class, ITrackSourceHashProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITrackSourceHashProvider, TProvider>());
        return builder;
    }

    /// <summary>
    /// Replaces the default feature store (on disk under <see cref="AudioVisCacheOptions.FeatureCacheRoot"/>, else in memory) with the
    /// integrator's implementation. The registered <see cref="IFeatureStore"/> wraps it, so reads and writes still report corrupt
    /// and missing blobs to the differ (see docs/intents-and-diffs.md).
    /// </summary>
    /// <typeparam name="TStore">The store type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseFeatureStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IAudioVisCacheBuilder builder)
        where TStore : class, IFeatureStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAllKeyed<IFeatureStore>(InnerFeatureStoreKey);
        builder.Services.Add(ServiceDescriptor.KeyedSingleton<IFeatureStore, TStore>(InnerFeatureStoreKey));
        return builder;
    }

    /// <summary>Replaces the default track audio resolver (files under <see cref="AudioVisCacheOptions.AudioRoot"/>) with the host's own.</summary>
    /// <typeparam name="TResolver">The resolver type; resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseTrackAudioResolver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TResolver>(this IAudioVisCacheBuilder builder)
        where TResolver : class, ITrackAudioResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITrackAudioResolver, TResolver>());
        return builder;
    }

    /// <summary>
    /// Registers the feature store: the host's (registered before this call, or with <see cref="UseFeatureStore{TStore}"/>) or the
    /// default, wrapped so reads and writes report blob health to the differ (<see cref="HealthReportingFeatureStore"/>).
    /// </summary>
    private static void AddFeatureStore(IServiceCollection services)
    {
        services.TryAddSingleton<BlobHealth>();
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IFeatureStore) && !d.IsKeyedService);
        if (registered is not null && registered.Lifetime == ServiceLifetime.Singleton && !IsReportingFeatureStore(registered))
        {
            // The host registered its own store first: it becomes the inner store of the reporting wrapper.
            services.Remove(registered);
            services.RemoveAllKeyed<IFeatureStore>(InnerFeatureStoreKey);
            services.Add(
                registered.ImplementationInstance is { } instance ? ServiceDescriptor.KeyedSingleton(typeof(IFeatureStore), InnerFeatureStoreKey, instance)
                : registered.ImplementationFactory is { } factory ? ServiceDescriptor.KeyedSingleton(typeof(IFeatureStore), InnerFeatureStoreKey, (sp, _) => factory(sp))
                : ServiceDescriptor.KeyedSingleton(typeof(IFeatureStore), InnerFeatureStoreKey, registered.ImplementationType!));
        }

        services.TryAddKeyedSingleton<IFeatureStore>(InnerFeatureStoreKey, static (sp, _) =>
        {
            var root = sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.FeatureCacheRoot;
            return root is null ? new InMemoryFeatureStore() : new FileSystemFeatureStore(root);
        });
        services.TryAddSingleton(ReportingFeatureStoreFactory);
    }

    private static InMemoryHistoryStore CreateInMemoryHistoryStore(IServiceProvider sp) =>
        new(sp.GetRequiredService<IOptions<HistoryRetentionOptions>>().Value, sp.GetRequiredService<TimeProvider>());

    private static bool IsReportingFeatureStore(ServiceDescriptor descriptor) => ReferenceEquals(descriptor.ImplementationFactory, ReportingFeatureStoreFactory);

    private static HealthReportingFeatureStore CreateReportingFeatureStore(IServiceProvider sp)
    {
        var health = sp.GetRequiredService<BlobHealth>();
        return new HealthReportingFeatureStore(
            sp.GetRequiredKeyedService<IFeatureStore>(InnerFeatureStoreKey),
            sp.GetRequiredService<ICacheMetadataStore>(),
            (key, descriptor, corruption, location) => health.Report(key, descriptor, new BlobUnusable(corruption, location)),
            health.Clear);
    }

    private static void AddRegeneration(IServiceCollection services)
    {
        services.AddOptions<RegenerationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegenerationOptions>, RegenerationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegenerationOptions>, RegenerationOptionsCrossFieldValidator>());
        services.TryAddSingleton<IAnalysisAvailability, AnalysisAvailability>();
        services.TryAddSingleton<IExportCoordinator, ExportCoordinator>();
        services.TryAddSingleton<IExportManifestWriter>(sp => new ExportManifestWriter(
            sp.GetRequiredService<IHistoryStore>(),
            sp.GetRequiredService<IExportCoordinator>(),
            sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value.ExportsRoot ?? Path.Combine(Directory.GetCurrentDirectory(), "exports"),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ExportManifestWriter>>()));

        // A factory, so the queue (and its need for an IAudioAnalyzer) is only resolved by hosts that use it.
        services.TryAddSingleton<IRegenerationQueue>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RegenerationOptions>>();
            var queue = new RegenerationQueue(
                sp.GetRequiredService<IAudioAnalyzer>(),
                sp.GetRequiredService<IAnalysisProfileRegistry>(),
                sp.GetRequiredService<IAnalysisAvailability>(),
                sp.GetRequiredService<IExportCoordinator>(),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RegenerationQueue>>(),
                sp.GetRequiredService<AudioVisCacheMetrics>(),
                sp.GetRequiredService<IHistoryStore>());
            RegenerationWiring.Connect(
                queue,
                sp.GetRequiredService<IDiffScheduler>(),
                options.Value,
                sp.GetRequiredService<RegenerationFailures>(),
                sp.GetRequiredService<IAnalysisProfileRegistry>(),
                sp.GetRequiredService<IDescriptorCatalog>());
            return queue;
        });
    }
}
