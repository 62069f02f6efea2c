using AudioVis.Cache.TestServers;

namespace AudioVis.Cache.Orleans.Tests.PostgreSql;

/// <summary>One throwaway PostgreSQL server for the tests of this namespace; each test creates its own database. Never skipped.</summary>
[SetUpFixture]
public sealed class PostgreSqlServerSetUp
{
    internal static PostgreSqlTestServer Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => Server = await PostgreSqlTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await Server.DisposeAsync();
}
