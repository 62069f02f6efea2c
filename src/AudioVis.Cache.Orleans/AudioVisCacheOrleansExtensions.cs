using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Orleans;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Distributed regeneration on an Orleans cluster: the silo side (<see cref="AddAudioVisCacheWorker"/>) and the client side (<see cref="UseOrleansRegenerationQueue"/>).</summary>
public static class AudioVisCacheOrleansExtensions
{
    /// <summary>
    /// Makes this silo a regeneration worker: it hosts the {track, profile} grains, which run jobs on the silo's own
    /// in-process regeneration queue over the silo's AudioVis.Cache services (analyzer, stores, feature store,
    /// availability and export gates, retry policy: call <c>services.AddAudioVisCache(...)</c> on the silo as well), and
    /// forwards that queue's status changes to subscribed clients. Calling this twice is harmless.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configure">Configures the options; they are validated at start-up.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddAudioVisCacheWorker(this ISiloBuilder silo, Action<AudioVisCacheOrleansOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        AddOptions(silo.Services, configure);
        silo.Services.TryAddSingleton<RegenerationWorker>();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, RegenerationWorkerLifecycle>());
        return silo;
    }

    /// <summary>
    /// Replaces the in-process regeneration queue with one that sends every request to the Orleans cluster this process
    /// is a client of (the <see cref="IGrainFactory"/> of <c>UseOrleansClient</c>, or of a silo hosted in the same
    /// process). Tickets are returned once the key's grain has taken the request and complete from its result; a request
    /// whose silo dies is sent again. Status changes of every silo reach <see cref="IRegenerationQueue.Subscribe"/>
    /// handlers (at most once; see docs/scale-out.md). Calling this twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options; they are validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseOrleansRegenerationQueue(this IAudioVisCacheBuilder builder, Action<AudioVisCacheOrleansOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder.Services, configure);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRegenerationQueue>(sp => new OrleansRegenerationQueue(
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IAnalysisProfileRegistry>(),
            sp.GetRequiredService<IOptions<AudioVisCacheOrleansOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OrleansRegenerationQueue>>(),
            sp.GetService<IDiffScheduler>())));
        return builder;
    }

    private static void AddOptions(IServiceCollection services, Action<AudioVisCacheOrleansOptions>? configure)
    {
        var options = services.AddOptions<AudioVisCacheOrleansOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioVisCacheOrleansOptions>, AudioVisCacheOrleansOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
    }
}
