using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.History;
using AudioVis.Cache.Sqlite;
using AudioVis.Cache.Sqlite.DependencyInjection;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores AudioVis.Cache metadata records and history in an SQLite database.</summary>
public static class AudioVisCacheSqliteBuilderExtensions
{
    /// <summary>
    /// Replaces the in-memory <see cref="ICacheMetadataStore"/> and <see cref="IHistoryStore"/> with stores in one SQLite
    /// database file: <see cref="SqliteCacheOptions.DatabasePath"/>, else <see cref="SqliteCacheOptions.DefaultFileName"/>
    /// in <see cref="AudioVisCacheOptions.FeatureCacheRoot"/>, next to the feature blobs. The database is opened, checked
    /// and migrated when a store is first resolved (a <see cref="CacheDatabaseException"/> names the file and the
    /// problem), shared by both stores, and closed when the service provider is disposed. Several processes may use
    /// the same file at once. Calling this twice is harmless.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options; they are validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder UseSqlite(this IAudioVisCacheBuilder builder, Action<SqliteCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SqliteCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteCacheOptions>, SqliteCacheOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var value = sp.GetRequiredService<IOptions<SqliteCacheOptions>>().Value;
            var path = SqliteCacheOptionsValidator.ResolvePath(value, sp.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);
            return SqliteCacheDatabase.Open(path, value, sp.GetRequiredService<TimeProvider>());
        });

        // The container owns the database and disposes it after the stores (it was created first).
        services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore>(sp =>
            new SqliteCacheMetadataStore(sp.GetRequiredService<SqliteCacheDatabase>(), ownsDatabase: false)));
        services.Replace(ServiceDescriptor.Singleton<IHistoryStore>(sp => new SqliteHistoryStore(
            sp.GetRequiredService<SqliteCacheDatabase>(),
            sp.GetRequiredService<IOptions<HistoryRetentionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            ownsDatabase: false)));
        return builder;
    }
}
