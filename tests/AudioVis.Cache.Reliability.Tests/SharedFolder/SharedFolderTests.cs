using System.Diagnostics;
using System.Globalization;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Reliability.ChildProcess;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.Tests.SharedFolder;

/// <summary>
/// Issue #13, shared feature blobs: several processes write and read one feature-blob folder at once (the way render
/// nodes share an NFS or SMB mount; here on the local file system, whose rename is atomic the same way), and writers
/// killed mid-write leave temporary files that the sweep removes by the pid rule, while another machine's waits for its age.
/// </summary>
[NonParallelizable]
public sealed class SharedFolderTests
{
    private const int Writers = 4;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(120_000)]
    public async Task ConcurrentWriterProcesses_EveryReadWholeAndOneWritersBytes_FinalBlobPerKeyComplete_NoTempFilesLeft()
    {
        var writes = ReliabilityTier.Pick(150, 1500);
        using var folder = new TempFolder();
        var root = folder.File("features");
        var clock = Stopwatch.StartNew();

        var children = Enumerable.Range(1, Writers)
            .Select(seed => ChildProcessLines.Start("shared-writer", root, seed.ToString(CultureInfo.InvariantCulture), writes.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        var exitCodes = new List<int>();
        var reads = 0;
        try
        {
            foreach (var child in children)
            {
                exitCodes.Add(await child.ExitAsync().WaitAsync(Limit));
                Assert.That(child.Errors, Is.Empty, $"stderr of child {child.Id}");
                var done = child.Lines.LastOrDefault(l => l.StartsWith("DONE ", StringComparison.Ordinal));
                Assert.That(done, Is.Not.Null, $"child {child.Id} printed: {string.Join(" | ", child.Lines.Where(l => !l.StartsWith("WROTE", StringComparison.Ordinal)))}");
                reads += int.Parse(done!.Split(' ')[2], CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }

        var store = new FileSystemFeatureStore(root);
        var writersSeen = new HashSet<int>();
        Assert.Multiple(async () =>
        {
            Assert.That(exitCodes, Is.All.Zero, "every writer saw only whole blobs of one writer (a FAIL line exits 1)");
            Assert.That(reads, Is.GreaterThan(Writers * writes), "readers read while others wrote (two reads per write once keys exist)");
            for (var k = 0; k < SharedFolderBlobs.KeyCount; k++)
            {
                var key = SharedFolderBlobs.Key(k);
                Assert.That(await store.ListAsync(key), Is.EqualTo(new[] { SharedFolderBlobs.Descriptor }), $"one blob of {key}");
                var blob = await store.ReadAsync(key, SharedFolderBlobs.Descriptor);
                Assert.That(blob, Is.Not.Null);
                Assert.That(SharedFolderBlobs.Check(blob!, key), Is.Null, $"final blob of {key}");
                writersSeen.Add(SharedFolderBlobs.WriterOf(blob!));
            }

            Assert.That(TempFiles(root), Is.Empty, "clean exits leave no temporary file");
        });
        ReliabilityTier.Report($"shared folder: {Writers} processes × {writes} writes of 128 KiB over {SharedFolderBlobs.KeyCount} keys, {reads} verified reads, final blobs from writers {string.Join(",", writersSeen.Order())}, {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task WritersKilledMidWrite_TheirTempFilesSweptByPid_ForeignHostsFileKeptUntilItsAgePasses()
    {
        using var folder = new TempFolder();
        var root = folder.File("features");

        // Two writers held mid-blob (a temporary file open for certain) and two writing in a loop, all killed.
        var holders = new[] { ChildProcessLines.Start("shared-hold", root, "11"), ChildProcessLines.Start("shared-hold", root, "12") };
        var loopers = new[] { ChildProcessLines.Start("shared-writer", root, "21", "100000"), ChildProcessLines.Start("shared-writer", root, "22", "100000") };
        ChildProcessLines[] all = [.. holders, .. loopers];
        try
        {
            foreach (var holder in holders)
            {
                await holder.WaitForLineAsync(l => l == "HOLDING").WaitAsync(Limit);
            }

            foreach (var looper in loopers)
            {
                await looper.WaitForLineAsync(l => l == "WROTE 20").WaitAsync(Limit);
            }

            foreach (var child in all)
            {
                await child.KillAsync().WaitAsync(Limit);
                Assert.That(child.Lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)), Is.Empty, $"child {child.Id}");
            }
        }
        finally
        {
            Array.ForEach(all, c => c.Dispose());
        }

        var killed = all.Select(c => c.Id).ToHashSet();
        var left = TempFiles(root);
        var owners = left.Select(p => TempFileNames.TryParse(Path.GetFileName(p), out var owner) ? owner : null).ToList();

        // Another machine's writer, running as far as this machine can tell, in the same directory.
        var keyDirectory = Path.GetDirectoryName(new FileSystemFeatureStore(root).GetBlobPath(SharedFolderBlobs.Key(0), SharedFolderBlobs.Descriptor))!;
        var foreign = Path.Combine(keyDirectory, TempFileNames.Create(FeatureStorePaths.GetBlobFileName(SharedFolderBlobs.Descriptor), "other-node-7", holders[0].Id));
        await File.WriteAllTextAsync(foreign, "partial");
        var now = new DateTimeOffset(File.GetLastWriteTimeUtc(foreign), TimeSpan.Zero);

        var store = new FileSystemFeatureStore(root);
        var maxAge = TimeSpan.FromHours(24);
        var first = await store.SweepTempFilesAsync(now, maxAge, CancellationToken.None);
        var afterFirst = TempFiles(root);
        var second = await store.SweepTempFilesAsync(now + maxAge + TimeSpan.FromSeconds(1), maxAge, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(owners.Where(o => o is not null && killed.Contains(o.ProcessId)).Select(o => o!.ProcessId), Is.SupersetOf(holders.Select(h => h.Id)),
                "each held writer left its temporary file, named with this host and its pid");
            Assert.That(owners, Is.All.Matches<TempFileOwner?>(o => o is not null && o.Host == TempFileNames.LocalHost && killed.Contains(o.ProcessId)));
            Assert.That(first.RemovedOfEndedProcesses, Is.EqualTo(left.Length), "every killed writer's file, at once");
            Assert.That((first.RemovedByAge, first.Kept), Is.EqualTo((0, 1)));
            Assert.That(afterFirst, Is.EqualTo(new[] { foreign }), "the other machine's file survives the pid rule");
            Assert.That((second.RemovedByAge, second.Kept), Is.EqualTo((1, 0)), "and goes once older than the maximum age");
            Assert.That(TempFiles(root), Is.Empty);
            for (var k = 0; k < SharedFolderBlobs.KeyCount; k++)
            {
                var key = SharedFolderBlobs.Key(k);
                if (await store.ReadAsync(key, SharedFolderBlobs.Descriptor) is { } blob)
                {
                    Assert.That(SharedFolderBlobs.Check(blob, key), Is.Null, $"blob of {key} after the kills");
                }
            }
        });
        ReliabilityTier.Report($"shared folder kills: 4 writers killed, {left.Length} temporary files left, {first.RemovedOfEndedProcesses} swept by the pid rule, the foreign one by age");
    }

    private static string[] TempFiles(string root) =>
        Directory.Exists(root) ? Directory.GetFiles(root, ".*.tmp", SearchOption.AllDirectories) : [];
}
