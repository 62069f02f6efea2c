using System.Diagnostics;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>Real processes on one database file: a restart, and two writers at once.</summary>
[NonParallelizable]
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Restart_SecondProcessSeesEveryRecordACleanDiffAndTheHistory()
    {
        using var folder = new TempFolder();
        var audio = folder.File("audio");
        var features = folder.File("features");
        var clock = Stopwatch.StartNew();

        var (analyseExit, analyseOutput) = await SqliteTestSupport.WaitAsync(SqliteTestSupport.StartChild("analyse", audio, features), Limit);
        Assert.That(analyseExit, Is.Zero, analyseOutput);
        var (verifyExit, verifyOutput) = await SqliteTestSupport.WaitAsync(SqliteTestSupport.StartChild("verify", audio, features), Limit);
        TestContext.Out.WriteLine($"{analyseOutput.Trim()}\n{verifyOutput.Trim()}\n{clock.Elapsed.TotalSeconds:F1} s");

        Assert.Multiple(() =>
        {
            Assert.That(verifyExit, Is.Zero, verifyOutput);
            Assert.That(verifyOutput, Does.StartWith("OK records=4 current=4 missing=0 stale=0 history=1 historyStatus=success"));
            Assert.That(verifyOutput, Does.Contain("historyDescriptors=onset.strength,rms@mid,spectrum.bands32@L,zcr historyElements=bars,meter,pulse"));
        });
    }

    [Test]
    public async Task TwoProcesses_WriteOneDatabaseConcurrently_AllDataPresent_NoLockEscapes()
    {
        using var folder = new TempFolder();
        var path = folder.File("shared.db");
        using (SqliteTestSupport.Open(path))
        {
            // Created first so the two writers race on writes, not on creating the schema.
        }

        var clock = Stopwatch.StartNew();
        var first = SqliteTestSupport.StartChild("hammer", path, "a", "200", "500");
        var second = SqliteTestSupport.StartChild("hammer", path, "b", "200", "500");
        var results = await Task.WhenAll(SqliteTestSupport.WaitAsync(first, Limit), SqliteTestSupport.WaitAsync(second, Limit));
        TestContext.Out.WriteLine($"{results[0].Output.Trim()}\n{results[1].Output.Trim()}\n{clock.Elapsed.TotalSeconds:F1} s");

        // Opening runs PRAGMA quick_check (VerifyOnOpen), so the file is also known to be intact.
        await using var store = new SqliteCacheMetadataStore(SqliteTestSupport.Open(path), ownsDatabase: true);
        Assert.Multiple(async () =>
        {
            foreach (var (exitCode, output) in results)
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(output, Does.Not.Contain("locked"));
            }

            foreach (var writer in new[] { "a", "b" })
            {
                var records = await store.GetRecordsAsync(new CacheKey($"tracks/{writer}.wav", "default"));
                Assert.That(records, Has.Count.EqualTo(204), $"writer {writer}: 4 replaced records and one per batch");
                Assert.That(records.Where(r => r.Descriptor.Name.StartsWith("spectrum", StringComparison.Ordinal)).Select(r => r.SourceContentHash), Has.All.EqualTo("batch-199"));
                Assert.That(SqliteTestSupport.Scalar(path, $"SELECT count(*) FROM history_entries h JOIN history_elements e ON e.entry_seq = h.seq WHERE e.element_id = 'writer-{writer}';"), Is.EqualTo(500));
            }
        });
    }
}
