using AudioVis.Cache.Storage;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>Several nodes (data sources) writing one database at once.</summary>
public sealed class MultiNodeTests
{
    [Test]
    public async Task TwoNodesReplacingTheSameRecordsConcurrently_AllWritesSucceed_AndLeaveOneCompleteVersion()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync("nodes");
        await using var nodeA = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, maxRetries: 0), ownsDatabase: true);
        await using var nodeB = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, maxRetries: 0), ownsDatabase: true);
        var key = new CacheKey("shared.wav", "default");
        string[] descriptors = ["rms", "onset.strength", "spectral.centroid", "zcr", "loudness.lufs"];
        await nodeA.GetKeysAsync();

        // No retries: a deadlock or serialization failure would surface as an exception instead of being retried away.
        // (The store writes a batch in descriptor order to avoid lock-order deadlocks; this load did not deadlock without
        // that ordering either, so the test guards atomicity and cross-node writes, not the ordering.)
        async Task WriteAsync(PostgreSqlCacheMetadataStore node, string source, bool reversed)
        {
            for (var i = 0; i < 40; i++)
            {
                var order = reversed ? descriptors.Reverse() : descriptors;
                await node.UpsertAsync(key, order.Select(d => TestSupport.Record(key, d, $"{source}-{i}")).ToArray());
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(nodeA, "a", reversed: false)), Task.Run(() => WriteAsync(nodeB, "b", reversed: true)));
        var records = await nodeA.GetRecordsAsync(key);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(records, Has.Count.EqualTo(descriptors.Length));
            Assert.That(records.Select(r => r.SourceContentHash).Distinct(), Has.Exactly(1).Items, "the last batch replaced every record at once");
        }
    }
}
