using Npgsql;

namespace AudioVis.Cache.Orleans.Clustering;

/// <summary>
/// The PostgreSQL schema of Orleans' ADO.NET clustering (membership) provider, written for AudioVis.Cache: its tables and the
/// <c>OrleansQuery</c> rows the provider reads. <c>UsePostgreSqlClustering</c> creates it at start-up; deployments may run
/// <see cref="EnsureCreatedAsync"/> (or <see cref="Script"/>) themselves instead.
/// </summary>
public static class OrleansPostgreSqlSchema
{
    private const string ResourceName = "AudioVis.Cache.Orleans.PostgreSqlClusteringSchema.sql";

    /// <summary>An arbitrary constant: the advisory lock key that serialises concurrent schema creation.</summary>
    private const long AdvisoryLockKey = 0x4156_4F52_4C45_414E;

    private static readonly Lazy<string> LazyScript = new(LoadScript);

    /// <summary>Gets the DDL and query rows (idempotent SQL).</summary>
    public static string Script => LazyScript.Value;

    /// <summary>Creates the tables and query rows when missing, and brings the query texts up to date; safe to run from several processes at once.</summary>
    /// <param name="connectionString">An Npgsql connection string with rights to create tables.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the schema is in place.</returns>
    /// <exception cref="OrleansClusteringSchemaException">The database could not be reached or refused the DDL; the message names the host and database.</exception>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The Orleans clustering connection string is not a valid Npgsql connection string: {ex.Message}", nameof(connectionString), ex);
        }

        try
        {
            var connection = new NpgsqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey});\n{Script}", connection, transaction);
                    await using (command.ConfigureAwait(false))
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new OrleansClusteringSchemaException(
                $"Could not create the Orleans clustering schema in database '{parsed.Database}' on {parsed.Host}:{parsed.Port}: {ex.Message}", ex);
        }
    }

    private static string LoadScript()
    {
        using var stream = typeof(OrleansPostgreSqlSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(OrleansPostgreSqlSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
