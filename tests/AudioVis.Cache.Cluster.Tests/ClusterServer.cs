using AudioVis.Cache.TestServers;

namespace AudioVis.Cache.Cluster.Tests;

/// <summary>One throwaway PostgreSQL server for the assembly; each test creates its own database (and cluster id) on it.</summary>
[SetUpFixture]
public sealed class ClusterServer
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
}
