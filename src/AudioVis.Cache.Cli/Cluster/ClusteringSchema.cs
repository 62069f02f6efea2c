using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AudioVis.Cache.Cli.Cluster;

/// <summary>
/// Creates the Orleans ADO.NET clustering tables (the membership table silos and clients meet in) in the cluster's
/// PostgreSQL database when they are missing. Several workers may start at once: the check and the creation run in one
/// transaction under an advisory lock, so exactly one of them creates the tables and the others find them.
/// </summary>
internal static class ClusteringSchema
{
    /// <summary>The AudioVis.Cache.Orleans package's script (Orleans' PostgreSQL main and clustering scripts).</summary>
    private const string ResourceName = "AudioVis.Cache.Orleans.PostgreSqlClusteringSchema.sql";

    /// <summary>An arbitrary advisory lock key of this schema ("AVOrlCls").</summary>
    private const long AdvisoryLockKey = 0x41564F726C436C73;

    /// <returns><see langword="true"/> when this call created the tables.</returns>
    public static async Task<bool> EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        var script = await ReadScriptAsync(cancellationToken).ConfigureAwait(false);
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
                var exists = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL", connection);
                await using (exists.ConfigureAwait(false))
                {
                    if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        return false;
                    }
                }

                await ExecuteAsync(connection, script, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> ReadScriptAsync(CancellationToken cancellationToken)
    {
        var assembly = typeof(AudioVisCacheOrleansExtensions).Assembly;
        var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource {ResourceName}: the clustering schema cannot be created.");
        using var reader = new StreamReader(stream);
        var script = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(script)
            ? throw new InvalidOperationException($"{assembly.GetName().Name}'s {ResourceName} is empty: the clustering schema cannot be created.")
            : script;
    }
}
