using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Orleans;

/// <summary>Starts the silo's <see cref="RegenerationWorker"/> when the silo becomes active (so its gates are reported before any request) and stops it first on shutdown.</summary>
internal sealed class RegenerationWorkerLifecycle(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(
            nameof(RegenerationWorker),
            ServiceLifecycleStage.Active,
            _ =>
            {
                services.GetRequiredService<RegenerationWorker>();
                return Task.CompletedTask;
            },
            async _ => await services.GetRequiredService<RegenerationWorker>().DisposeAsync().ConfigureAwait(false));
    }
}
