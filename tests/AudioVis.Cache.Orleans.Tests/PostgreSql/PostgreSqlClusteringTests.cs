using System.Net;
using System.Net.Sockets;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Orleans.Clustering;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;

namespace AudioVis.Cache.Orleans.Tests.PostgreSql;

/// <summary>Deployment wiring: silos and a client find each other through ADO.NET clustering on a real PostgreSQL server.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlClusteringTests
{
    [Test]
    public async Task EnsureCreated_TwiceAndConcurrently_LeavesOneSchemaWithEveryQuery()
    {
        var connectionString = await PostgreSqlServerSetUp.Server.CreateDatabaseAsync("schema");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OrleansPostgreSqlSchema.EnsureCreatedAsync(connectionString)));
        await OrleansPostgreSqlSchema.EnsureCreatedAsync(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.That(keys, Is.EqualTo(new[]
        {
            "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
        }));
    }

    [Test]
    public void EnsureCreated_UnreachableServer_ThrowsTypedErrorNamingTheDatabase()
    {
        var port = FreePort();
        var connectionString = $"Host=127.0.0.1;Port={port};Database=nowhere;Username=audiovis;Timeout=2";
        Assert.That(
            async () => await OrleansPostgreSqlSchema.EnsureCreatedAsync(connectionString),
            Throws.TypeOf<OrleansClusteringSchemaException>().With.Message.Contains("'nowhere'").And.Message.Contains($"127.0.0.1:{port}"));
    }

    [Test]
    public async Task TwoSilosAndAClient_JoinThroughPostgreSql_AndARequestCompletes()
    {
        var connectionString = await PostgreSqlServerSetUp.Server.CreateDatabaseAsync("cluster");
        var clusterId = $"audiovis-{Guid.NewGuid():N}";
        var store = new InMemoryCacheMetadataStore();
        var analyzer = new FakeAnalyzer(store);

        using var silo1 = BuildSilo(connectionString, clusterId, "silo-1", store, analyzer);
        using var silo2 = BuildSilo(connectionString, clusterId, "silo-2", store, analyzer);
        await silo1.StartAsync();
        await silo2.StartAsync();

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.UseOrleansClient(client => client
            .UsePostgreSqlClustering(connectionString)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "audiovis-cache")));
        clientBuilder.Services.AddAudioVisCache().UseOrleansRegenerationQueue();
        using var client = clientBuilder.Build();
        await client.StartAsync();
        try
        {
            var queue = client.Services.GetRequiredService<IRegenerationQueue>();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => queue.RegenerateAsync(RegenerationCluster.Request($"pg-{i}", "spectrum"))))
                .WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Multiple(async () =>
            {
                Assert.That(queue.GetType().Name, Is.EqualTo(nameof(OrleansRegenerationQueue)));
                Assert.That(outcomes.Select(o => o.Status), Is.All.EqualTo(RegenerationStatus.Succeeded));
                Assert.That(await ActiveSilosAsync(connectionString, clusterId), Is.EqualTo(2), "both silos registered as active in PostgreSQL");
                Assert.That(outcomes.Select(o => o.JobId >> 32).Distinct().Count(), Is.EqualTo(2), "20 keys spread over both silos (random placement; all on one: p = 2^-19)");
            });
        }
        finally
        {
            await client.StopAsync();
            await silo2.StopAsync();
            await silo1.StopAsync();
        }
    }

    private static IHost BuildSilo(string connectionString, string clusterId, string name, InMemoryCacheMetadataStore store, FakeAnalyzer analyzer)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UsePostgreSqlClustering(connectionString)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "audiovis-cache"))
                .Configure<SiloOptions>(o => o.SiloName = name)
                .Configure<ClusterMembershipOptions>(RegenerationCluster.FastFailureDetection)
                .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
                .AddAudioVisCacheWorker();
            silo.Services.AddAudioVisCache();
            silo.Services.Replace(ServiceDescriptor.Singleton<ICacheMetadataStore>(store));
            silo.Services.Replace(ServiceDescriptor.Singleton<IAudioAnalyzer>(analyzer));
        });
        return builder.Build();
    }

    private static async Task<long> ActiveSilosAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM audiovis_orleans_silo WHERE DeploymentId = @id AND Status = 3", connection);
        command.Parameters.AddWithValue("id", clusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
