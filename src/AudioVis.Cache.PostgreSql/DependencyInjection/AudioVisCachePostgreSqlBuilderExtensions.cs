using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.PostgreSql;
using AudioVis.Cache.PostgreSql.DependencyInjection;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores AudioVis.Cache metadata records and history in a PostgreSQL database shared by several nodes.</summary>
public static class AudioVisCachePostgreSqlBuilderExtensions
{
    /// <summary>
    /// Replaces the in-memory <see cref="ICacheMetadataStore"/> and <see cref="IHistoryStore"/> with stores in the
    /// PostgreSQL schema <see cref="PostgreSqlCacheOptions.SchemaName"/> of the database
    /// <see cref="PostgreSqlCacheOptions.ConnectionString"/> names, shared by every node that uses it. The schema is
    /// created and migrated on the first operation (or at host start), under an advisory lock, so nodes may start
    /// together; a <see cref="PostgreSqlCacheException"/> names the server and the problem.
    /// <para>
    /// With <see cref="PostgreSqlCacheOptions.ListenForChanges"/> (the default), the diff scheduler is subscribed to the
    /// changes every node writes (<see cref="IPostgreSqlCacheChangeFeed"/>, also resolvable): the listener starts when the
    /// <see cref="IDiffScheduler"/> is first resolved, so it works with a plain service provider too; with a generic host
    /// an <see cref="IHostedService"/> also checks the schema at start-up and stops the listener with the host.
    /// Calling this twice is harmless.
    /// </para>
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options; they are validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UsePostgreSql(this IAudioVisCacheBuilder builder, Action<PostgreSqlCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<PostgreSqlCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlCacheOptions>, PostgreSqlCacheOptionsValidator>());
        services.TryAddSingleton(sp => PostgreSqlCacheDatabase.Create(
            sp.GetRequiredService<IOptions<PostgreSqlCacheOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, typeof(PostgreSqlCacheDatabase))));
        services.TryAddSingleton(sp => new PostgreSqlChangeListener(
            sp.GetRequiredService<PostgreSqlCacheDatabase>(),
            sp.GetRequiredService<IOptions<PostgreSqlCacheOptions>>().Value.ListenerReconnectMaxDelay,
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, typeof(PostgreSqlChangeListener))));
        services.TryAddSingleton<IPostgreSqlCacheChangeFeed>(sp => sp.GetRequiredService<PostgreSqlChangeListener>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlCacheHostedService>());

        // The container owns the database and disposes it after the stores (it was created first).
        services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore>(sp =>
            new PostgreSqlCacheMetadataStore(sp.GetRequiredService<PostgreSqlCacheDatabase>(), ownsDatabase: false)));
        services.Replace(ServiceDescriptor.Singleton<IHistoryStore>(sp => new PostgreSqlHistoryStore(
            sp.GetRequiredService<PostgreSqlCacheDatabase>(),
            sp.GetRequiredService<IOptions<HistoryRetentionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            ownsDatabase: false)));
        SubscribeScheduler(services);
        return builder;
    }

    /// <summary>Wraps the registered diff scheduler's factory: the scheduler it creates is attached to the change listener, which starts.</summary>
    private static void SubscribeScheduler(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IDiffScheduler));
        if (original is null || original.ImplementationFactory?.Target is SchedulerSubscription)
        {
            return;
        }

        var subscription = new SchedulerSubscription(original);
        services.Replace(ServiceDescriptor.Singleton<IDiffScheduler>(subscription.Create));
    }

    private static ILogger Logger(IServiceProvider services, Type category) =>
        services.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;

    private sealed class SchedulerSubscription(ServiceDescriptor original)
    {
        public IDiffScheduler Create(IServiceProvider services)
        {
            var scheduler = (IDiffScheduler)(original.ImplementationInstance
                ?? original.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, original.ImplementationType!));
            if (services.GetRequiredService<IOptions<PostgreSqlCacheOptions>>().Value.ListenForChanges)
            {
                var listener = services.GetRequiredService<PostgreSqlChangeListener>();
                listener.Attach(scheduler);
                listener.Start();
            }

            return scheduler;
        }
    }
}
