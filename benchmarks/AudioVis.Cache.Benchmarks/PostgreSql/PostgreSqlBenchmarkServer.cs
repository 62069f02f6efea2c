using AudioVis.Cache.PostgreSql;
using AudioVis.Cache.TestServers;

namespace AudioVis.Cache.Benchmarks.PostgreSql;

/// <summary>A throwaway PostgreSQL server (started by the benchmark process itself) with one database, and nodes on it.</summary>
internal sealed class PostgreSqlBenchmarkServer : IAsyncDisposable
{
    private PostgreSqlBenchmarkServer(PostgreSqlTestServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
    }

    public PostgreSqlTestServer Server { get; }

    public string ConnectionString { get; }

    public static async Task<PostgreSqlBenchmarkServer> StartAsync()
    {
        var server = await PostgreSqlTestServer.StartAsync();
        return new PostgreSqlBenchmarkServer(server, await server.CreateDatabaseAsync("bench"));
    }

    /// <summary>A node: its own data source (pool) on the shared database, as another process would have.</summary>
    public PostgreSqlCacheDatabase Node() =>
        PostgreSqlCacheDatabase.Create(new PostgreSqlCacheOptions { ConnectionString = ConnectionString }, TimeProvider.System);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
