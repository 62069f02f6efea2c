using System.Text.RegularExpressions;
using Npgsql;

namespace AudioVis.Cache.Cli.Cluster;

/// <summary>
/// Where a cluster lives: the PostgreSQL database that holds the shared cache (metadata, history) and the Orleans membership
/// table, and the cluster id that separates clusters sharing one database.
/// </summary>
/// <param name="ConnectionString">The Npgsql connection string.</param>
/// <param name="ClusterId">The Orleans cluster id.</param>
internal sealed partial record ClusterConnection(string ConnectionString, string ClusterId)
{
    /// <summary>The cluster id when none is given.</summary>
    public const string DefaultClusterId = "audiovis-cache";

    /// <summary>The Orleans service id of every AudioVis.Cache cluster (grain identities are stable across cluster ids).</summary>
    public const string ServiceId = "audiovis-cache";

    /// <summary>Checks a connection string and a cluster id given on the command line; a bad one is a <see cref="CliInputException"/> naming the option.</summary>
    public static ClusterConnection Parse(string option, string? connectionString, string? clusterId)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CliInputException($"{option}: a PostgreSQL connection string is required (for example \"Host=db;Database=audiovis;Username=render;Password=...\").");
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new CliInputException($"{option} '{Mask(connectionString)}': not a PostgreSQL connection string: {e.Message.TrimEnd('.')}.", e);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new CliInputException($"{option} '{Mask(connectionString)}': the connection string names no Host.");
        }

        if (string.IsNullOrWhiteSpace(parsed.Database))
        {
            throw new CliInputException($"{option} '{Mask(connectionString)}': the connection string names no Database.");
        }

        clusterId ??= DefaultClusterId;
        if (!ClusterIdPattern().IsMatch(clusterId))
        {
            throw new CliInputException($"--cluster-id '{clusterId}': use 1-64 letters, digits, '.', '_' or '-'.");
        }

        return new ClusterConnection(connectionString, clusterId);
    }

    /// <summary>The connection string with its password replaced, for messages.</summary>
    public static string Mask(string connectionString) => PasswordPattern().Replace(connectionString, "$1=***");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterIdPattern();

    [GeneratedRegex("(password|pwd)\\s*=[^;]*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();
}
