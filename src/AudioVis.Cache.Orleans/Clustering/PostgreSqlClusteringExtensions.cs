using AudioVis.Cache.Orleans.Clustering;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Orleans clustering (membership and gateway list) in PostgreSQL, through Orleans' ADO.NET provider and Npgsql.</summary>
public static class AudioVisCachePostgreSqlClusteringExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Keeps this silo's cluster membership in PostgreSQL: creates the schema (<see cref="OrleansPostgreSqlSchema"/>) when the
    /// silo starts, then uses Orleans' ADO.NET clustering with Npgsql. Set the cluster and service ids with
    /// <c>Configure&lt;ClusterOptions&gt;</c>; see docs/scale-out.md for membership timing in production.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string (the role needs CREATE on first start).</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder UsePostgreSqlClustering(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>>(new SchemaCreator(connectionString)));
        return silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Finds the cluster's gateways in PostgreSQL; the client counterpart of <see cref="UsePostgreSqlClustering(ISiloBuilder, string)"/>.
    /// The clustering schema must exist when the client starts (a silo creates it): Orleans' client reads its queries before
    /// any client lifecycle stage runs, so on a database no silo has used yet call
    /// <see cref="OrleansPostgreSqlSchema.EnsureCreatedAsync"/> first, or the start fails with the provider's missing-table error.
    /// </summary>
    /// <param name="client">The client builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The client builder.</returns>
    public static IClientBuilder UsePostgreSqlClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        client.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<IClusterClientLifecycle>>(new SchemaCreator(connectionString)));
        return client.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }
}
