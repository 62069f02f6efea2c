using AudioVis.Cache.History;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Reliability.Tests.Crash;

/// <summary>What reopening a crashed cache found: history entries, records, blobs verified, temporary files left by the crash.</summary>
internal sealed record ReopenedCache(HashSet<Guid> HistoryIds, int Records, int BlobsVerified, int TemporaryFiles)
{
    /// <summary>
    /// Opens the cache the child process used, in this process, with the same settings, and checks it with the library's
    /// own readers: the database opens (quick_check), every history entry reads back, every record's blob reads whole with
    /// a matching checksum and agrees with the record, <see cref="ICacheMaintenance.VerifyBlobsAsync"/> finds nothing, and
    /// a scan of the feature store finds no corrupt blob.
    /// </summary>
    public static async Task<ReopenedCache> OpenAndVerifyAsync(string audioRoot, string featureRoot, CacheKey key)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = audioRoot;
            o.FeatureCacheRoot = featureRoot;
        }).UseSqlite().ConfigureHistory(h => h.MaxEntries = 10_000_000);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var history = await ReadAllHistoryAsync(provider.GetRequiredService<IHistoryStore>()).ConfigureAwait(false);
            var features = provider.GetRequiredService<IFeatureStore>();
            var records = await provider.GetRequiredService<ICacheMetadataStore>().GetRecordsAsync(key).ConfigureAwait(false);
            foreach (var record in records)
            {
                var blob = await features.ReadAsync(key, record.Descriptor).ConfigureAwait(false);
                Assert.That(blob, Is.Not.Null, $"the record of {record.Descriptor} points at a blob that does not exist");
                Assert.That(
                    (blob!.Header.ProfileRevisionHash, blob.Header.SourceContentHash, blob.Header.CalculatorId),
                    Is.EqualTo((record.ProfileRevisionHash, record.SourceContentHash, record.CalculatorId)),
                    $"the blob of {record.Descriptor} disagrees with its record");
            }

            Assert.That(await provider.GetRequiredService<ICacheMaintenance>().VerifyBlobsAsync().ConfigureAwait(false), Is.Zero, "blobs found unusable on reopen");
            var scanned = 0;
            await foreach (var entry in features.ScanAsync().ConfigureAwait(false))
            {
                Assert.That(entry.IsCorrupt, Is.False, entry.ToString());
                scanned++;
            }

            var temporary = Directory.Exists(featureRoot) ? Directory.EnumerateFiles(featureRoot, ".*.tmp", SearchOption.AllDirectories).Count() : 0;
            return new ReopenedCache(history, records.Count, scanned, temporary);
        }
    }

    private static async Task<HashSet<Guid>> ReadAllHistoryAsync(IHistoryStore store)
    {
        var ids = new HashSet<Guid>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize, ContinuationToken = token }).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                Assert.That(entry.DescriptorIds, Is.Not.Empty, $"history entry {entry.Id} came back without descriptors");
                ids.Add(entry.Id);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return ids;
    }
}
