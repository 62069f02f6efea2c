using AudioVis.Cache.Diffing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioVis.Cache.PostgreSql.DependencyInjection;

/// <summary>
/// Starts the PostgreSQL cache with a generic host: checks and migrates the schema (so an unusable database stops the
/// host at start-up with a <see cref="PostgreSqlCacheException"/>), resolves the diff scheduler (which attaches and
/// starts the change listener), and stops the listener with the host.
/// </summary>
internal sealed class PostgreSqlCacheHostedService(IServiceProvider services, PostgreSqlCacheDatabase database, PostgreSqlChangeListener listener, Microsoft.Extensions.Options.IOptions<PostgreSqlCacheOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        if (options.Value.ListenForChanges)
        {
            _ = services.GetService<IDiffScheduler>();
            listener.Start();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await listener.DisposeAsync().ConfigureAwait(false);
}
