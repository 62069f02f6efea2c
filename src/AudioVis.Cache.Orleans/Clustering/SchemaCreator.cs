namespace AudioVis.Cache.Orleans.Clustering;

/// <summary>Creates the clustering schema first thing when a silo or client starts, before the membership provider reads its queries.</summary>
internal sealed class SchemaCreator(string connectionString) : ILifecycleParticipant<ISiloLifecycle>, ILifecycleParticipant<IClusterClientLifecycle>
{
    public void Participate(ISiloLifecycle observer) => Participate((ILifecycleObservable)observer);

    public void Participate(IClusterClientLifecycle observer) => Participate((ILifecycleObservable)observer);

    private void Participate(ILifecycleObservable observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(nameof(OrleansPostgreSqlSchema), ServiceLifecycleStage.First, ct => OrleansPostgreSqlSchema.EnsureCreatedAsync(connectionString, ct));
    }
}
