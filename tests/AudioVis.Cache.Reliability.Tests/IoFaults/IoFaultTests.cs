using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Reliability.Tests.IoFaults;

/// <summary>
/// Issue #12, item 2: every file the library writes (feature blobs, export manifests, diagnostics preferences, source
/// fingerprints) with its k-th write or flush failing, k = 1, 2, … until the write completes, once and sticky.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class IoFaultTests(bool sticky)
{
    private string Mode => sticky ? "sticky" : "once";

    [Test]
    public async Task FeatureBlobReplacement_PreviousBlobIntactAndReadableAfterEveryFault()
    {
        using var folder = new TempFolder();
        var faults = new FaultInjector();
        var store = new FileSystemFeatureStore(folder.File("features")) { WriteStreamWrapper = faults.Wrap };
        var previous = TestBlobs.Make(frameCount: 10, seed: 1);

        // About 640 KB: ten 64 KiB chunks, so the sweep fails chunk writes, the index, the footer and the flushes.
        var replacement = TestBlobs.Make(frameCount: 40_000, seed: 2);
        await store.WriteAsync(previous);

        var (injected, calls) = await new FaultSweep(faults, store.GetBlobPath(TestBlobs.Key, TestBlobs.Descriptor)).RunAsync(
            sticky,
            () => FaultSweep.SurfacesFaultAsync(() => store.WriteAsync(replacement).AsTask()),
            async () => Assert.That((await store.ReadAsync(TestBlobs.Key, TestBlobs.Descriptor))!.Values.ToArray(), Is.EqualTo(previous.Values.ToArray())));

        Assert.That((await store.ReadAsync(TestBlobs.Key, TestBlobs.Descriptor))!.Values.ToArray(), Is.EqualTo(replacement.Values.ToArray()));
        ReliabilityTier.Report($"I/O faults, feature blob ({Mode}): {injected} faults over {calls} writes and flushes of a 640 KB blob; previous blob intact and verified after each");
    }

    [Test]
    public async Task ExportManifest_PreviousManifestIntactAfterEveryFault()
    {
        using var folder = new TempFolder();
        var faults = new FaultInjector();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), time);
        var writer = new ExportManifestWriter(history, new ExportCoordinator(NullLogger<ExportCoordinator>.Instance), folder.Path, time, NullLogger<ExportManifestWriter>.Instance)
        {
            WriteStreamWrapper = faults.Wrap,
        };

        // Enough entries for the serializer to write the manifest in several pieces.
        await AppendEntriesAsync(history, time, 400);
        var previous = await writer.WriteAsync("scene-1");
        await AppendEntriesAsync(history, time, 1);

        var (injected, calls) = await new FaultSweep(faults, previous.Path).RunAsync(
            sticky,
            () => FaultSweep.SurfacesFaultAsync(() => writer.WriteAsync("scene-1").AsTask()),
            () => Task.CompletedTask);

        var written = await writer.WriteAsync("scene-1");
        Assert.That(written.PreviousExportAt, Is.Not.Null, "the last manifest (written by the completed attempt) is read back");
        ReliabilityTier.Report($"I/O faults, export manifest ({Mode}): {injected} faults over {calls} writes and flushes of a {new FileInfo(previous.Path).Length / 1024} KB manifest (401 entries); previous manifest intact after each");
    }

    [Test]
    public async Task DiagnosticsPreferences_PreviousPreferencesStillLoadAfterEveryFault()
    {
        using var folder = new TempFolder();
        var faults = new FaultInjector();
        var store = new JsonFileDiagnosticsPreferenceStore(folder.File("prefs/diagnostics-preferences.json"), NullLogger<JsonFileDiagnosticsPreferenceStore>.Instance)
        {
            WriteStreamWrapper = faults.Wrap,
        };
        var previous = new DiagnosticsPreferences { SortBy = DiagnosticsSortKey.Status, ShownStatuses = [DiagnosticsStatus.Failed] };
        var replacement = new DiagnosticsPreferences { SortBy = DiagnosticsSortKey.LastAnalyzedAt, Descending = true, ShownStatuses = [DiagnosticsStatus.Stale, DiagnosticsStatus.Missing] };
        await store.SaveAsync(previous);

        var (injected, calls) = await new FaultSweep(faults, store.FilePath).RunAsync(
            sticky,
            () => FaultSweep.SurfacesFaultAsync(() => store.SaveAsync(replacement).AsTask()),
            async () => Assert.That(await store.LoadAsync(), Is.EqualTo(previous)));

        Assert.That(await store.LoadAsync(), Is.EqualTo(replacement));
        ReliabilityTier.Report($"I/O faults, diagnostics preferences ({Mode}): {injected} faults over {calls} writes and flushes; previous preferences load after each");
    }

    [Test]
    public async Task SourceFingerprints_FailedSaveLogsKeepsThePreviousFileAndIsRetriedByTheNextSave()
    {
        using var folder = new TempFolder();
        var faults = new FaultInjector();
        var path = folder.File(SourceFingerprintCache.FileName);
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger<SourceFingerprintCache>();
        using var cache = new SourceFingerprintCache(path, time, logger) { WriteStreamWrapper = faults.Wrap };
        cache.Set("a.wav", "token-a", "hash-a", 1.5);
        cache.Save();

        // Saving never throws (the file is only a cache): a failed save is logged (1117) and must stay pending.
        var (injected, calls) = await new FaultSweep(faults, path).RunAsync(
            sticky,
            () =>
            {
                var logged = logger.Entries.Count;
                cache.Set("b.wav", "token-b", "hash-b", 2.5);
                cache.Save();
                Assert.That(logger.Entries.Skip(logged).Select(e => e.EventId), faults.Injected > 0 ? Is.EqualTo(new[] { 1117 }) : Is.Empty);
                return Task.FromResult(faults.Injected > 0);
            },
            () =>
            {
                using var reloaded = new SourceFingerprintCache(path, time, NullLogger.Instance);
                Assert.That(reloaded.TryGet("a.wav", "token-a", out var hash, out _) && hash == "hash-a", Is.True, "the previous file no longer loads");
                return Task.CompletedTask;
            });

        using var final = new SourceFingerprintCache(path, time, NullLogger.Instance);
        Assert.That(final.TryGet("b.wav", "token-b", out var saved, out _) && saved == "hash-b", Is.True);
        ReliabilityTier.Report($"I/O faults, source fingerprints ({Mode}): {injected} faults over {calls} writes and flushes; each logged (1117), previous file loads, the next save retries");
    }

    private static async Task AppendEntriesAsync(InMemoryHistoryStore history, FakeTimeProvider time, int count)
    {
        var entries = new HistoryEntry[count];
        for (var i = 0; i < count; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            entries[i] = new HistoryEntry(
                HistoryEntry.NewId(time), time.GetUtcNow(), TestBlobs.Key, HistoryAction.AutoRegenerate, [TestBlobs.Descriptor], HistoryStatus.Success, 12, ["bars"], RegenerationReason.Missing, jobId: i + 1);
        }

        await history.AppendAsync(entries);
    }
}
