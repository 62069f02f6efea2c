using AudioVis.Cache.TestServers;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>One throwaway PostgreSQL server for the whole assembly; each test creates its own database on it.</summary>
[SetUpFixture]
public sealed class PostgreSqlServerFixture
{
    private static PostgreSqlTestServer? _server;

    /// <summary>Gets the running server (starting fails the run loudly when PostgreSQL is missing: never a silent skip).</summary>
    internal static PostgreSqlTestServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL test server was not started.");

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await PostgreSqlTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new, empty database's connection string.</summary>
    internal static Task<string> NewDatabaseAsync(string prefix = "t") => Server.CreateDatabaseAsync(prefix);

    /// <summary>A database object on a connection string (its schema is created on first use).</summary>
    internal static PostgreSqlCacheDatabase Open(string connectionString, TimeProvider? time = null, string schema = PostgreSqlCacheOptions.DefaultSchemaName, IReadOnlyList<PostgreSqlMigration>? migrations = null, int maxRetries = PostgreSqlCacheOptions.DefaultMaxTransientRetries) =>
        PostgreSqlCacheDatabase.Create(
            new PostgreSqlCacheOptions { ConnectionString = connectionString, SchemaName = schema, MaxTransientRetries = maxRetries },
            time ?? TimeProvider.System,
            null,
            migrations ?? PostgreSqlSchema.Migrations);
}
