using System.Text;
using System.Text.Json;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Cli;
using AudioVis.Cache.Cli.Commands;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>
/// Issue #12, item 3, the JSON files: seeded damage to diagnostics preference files, source fingerprint files, export
/// manifests and CLI scene files. Each is refused with its documented outcome (defaults and a warning, a typed error) or
/// still parses to valid values; nothing else is thrown.
/// </summary>
public sealed class JsonFileCorruptionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static int PerKind => ReliabilityTier.Pick(150, 5_000);

    [Test]
    public async Task DamagedPreferenceFile_DefaultsAndWarning4001NamingTheFile_OrValidPreferences()
    {
        using var folder = new TempFolder();
        var path = folder.File("diagnostics-preferences.json");
        var saved = new DiagnosticsPreferences { SortBy = DiagnosticsSortKey.Status, Descending = true, ShownStatuses = [DiagnosticsStatus.Failed, DiagnosticsStatus.Stale] };
        await new JsonFileDiagnosticsPreferenceStore(path, NullLogger<JsonFileDiagnosticsPreferenceStore>.Instance).SaveAsync(saved);

        var report = await CorruptionSweep.RunAsync(await File.ReadAllBytesAsync(path), PerKind, 12_34, async mutation =>
        {
            await File.WriteAllBytesAsync(path, mutation.Bytes);
            var logger = new RecordingLogger<JsonFileDiagnosticsPreferenceStore>();
            var loaded = await new JsonFileDiagnosticsPreferenceStore(path, logger).LoadAsync();
            return ClassifyPreferences(loaded, saved, logger, path, mutation.Description);
        });

        ReliabilityTier.Report($"corrupt preference files, nothing thrown: {report}");
    }

    [TestCase("""{"format":1,"sortBy":99}""")]
    [TestCase("""{"format":1,"shownStatuses":[42]}""")]
    [TestCase("""{"format":1,"shownStatuses":null}""")]
    [TestCase("""{"format":1,"shownStatuses":["Failed",null]}""")]
    [TestCase("""{"format":1,"sortBy":null}""")]
    [TestCase("""{"format":1,"descending":null}""")]
    public async Task PreferenceFileWithOutOfRangeOrNullValues_DefaultsAndWarning4001(string json)
    {
        using var folder = new TempFolder();
        var path = folder.File("diagnostics-preferences.json");
        await File.WriteAllTextAsync(path, json);
        var logger = new RecordingLogger<JsonFileDiagnosticsPreferenceStore>();

        var loaded = await new JsonFileDiagnosticsPreferenceStore(path, logger).LoadAsync();

        Assert.That(loaded, Is.EqualTo(DiagnosticsPreferences.Default));
        Assert.That(logger.Entries, Has.One.Matches<(int EventId, string Message)>(e => e.EventId == 4001 && e.Message.Contains(path, StringComparison.Ordinal)));
    }

    [Test]
    public async Task DamagedSourceFingerprintFile_IgnoredWithWarning1116_OrItsEntriesLoad()
    {
        using var folder = new TempFolder();
        var path = folder.File(SourceFingerprintCache.FileName);
        using (var cache = new SourceFingerprintCache(path, new FakeTimeProvider(At), NullLogger.Instance))
        {
            cache.Set("intro.wav", "token-1", "hash-1", 12.5);
            cache.Set("drop.wav", "token-2", "hash-2", 3.25);
        }

        var report = await CorruptionSweep.RunAsync(await File.ReadAllBytesAsync(path), PerKind, 12_35, async mutation =>
        {
            await File.WriteAllBytesAsync(path, mutation.Bytes);
            var logger = new RecordingLogger<SourceFingerprintCache>();
            using var cache = new SourceFingerprintCache(path, new FakeTimeProvider(At), logger);
            var entries = new[] { ("intro.wav", "token-1", "hash-1"), ("drop.wav", "token-2", "hash-2") }
                .Select(t => cache.TryGet(t.Item1, t.Item2, out var hash, out _) ? (hash == t.Item3 ? "same" : "other hash") : "no match")
                .ToArray();
            if (logger.Entries.Any(e => e.EventId == 1116))
            {
                Assert.That(entries, Has.All.EqualTo("no match"), $"{mutation.Description}: the file was ignored but entries were used");
                Assert.That(logger.Entries.Single(e => e.EventId == 1116).Message, Does.Contain(path));
                return "ignored, warning 1116";
            }

            return entries.Contains("other hash") ? "loaded, a content hash changed (the file has no checksum)"
                : entries.Contains("no match") ? "loaded, an entry no longer matches its track (decoded again)"
                : "loaded unchanged";
        });

        ReliabilityTier.Report($"corrupt source fingerprint files, nothing thrown: {report}");
    }

    [Test]
    public async Task DamagedPreviousExportManifest_NewManifestWritten_PreviousTimeDroppedWithWarning3201OrRead()
    {
        using var folder = new TempFolder();
        var time = new FakeTimeProvider(At);
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), time);
        await history.AppendAsync([new HistoryEntry(HistoryEntry.NewId(time), time.GetUtcNow(), TestBlobs.Key, HistoryAction.AutoRegenerate, [TestBlobs.Descriptor], HistoryStatus.Success, 12, ["bars"], RegenerationReason.Missing, jobId: 1)]);
        var first = await Writer(history, folder.Path, time, NullLogger<ExportManifestWriter>.Instance).WriteAsync("scene-1");
        var original = await File.ReadAllBytesAsync(first.Path);

        var report = await CorruptionSweep.RunAsync(original, PerKind, 12_36, async mutation =>
        {
            await File.WriteAllBytesAsync(first.Path, mutation.Bytes);
            var logger = new RecordingLogger<ExportManifestWriter>();
            var written = await Writer(history, folder.Path, time, logger).WriteAsync("scene-1");
            using (JsonDocument.Parse(await File.ReadAllBytesAsync(written.Path)))
            {
                // The new manifest is whole, valid JSON.
            }

            if (written.PreviousExportAt is null)
            {
                Assert.That(logger.Entries.Where(e => e.EventId == 3201).Select(e => e.Message), Has.One.Contains(first.Path), mutation.Description);
                return "previous time dropped, warning 3201";
            }

            return written.PreviousExportAt == first.GeneratedAt ? "previous time read unchanged" : "previous time read changed (manifests carry no checksum)";
        });

        ReliabilityTier.Report($"corrupt previous export manifests ({original.Length} bytes), a new manifest written every time: {report}");
    }

    [Test]
    public async Task DamagedSceneFile_CliInputExceptionNamingTheFile_OrAValidScene()
    {
        using var folder = new TempFolder();
        var path = folder.File("scene.json");
        TestAudio.WriteTone(folder.File("audio/intro.wav"));
        TestAudio.WriteTone(folder.File("audio/drop.wav"));
        var original = Encoding.UTF8.GetBytes(DemoCommand.SceneJson);
        await File.WriteAllBytesAsync(path, original);
        Assert.That(SceneLoader.Load(path, At), Is.Not.Null, "the undamaged scene loads");

        var report = await CorruptionSweep.RunAsync(original, PerKind, 12_37, async mutation =>
        {
            await File.WriteAllBytesAsync(path, mutation.Bytes);
            try
            {
                SceneLoader.Load(path, At);
                return "loaded (still a valid scene)";
            }
            catch (CliInputException e)
            {
                Assert.That(e.Message, Does.Contain("scene.json"), mutation.Description);
                return "refused: CliInputException";
            }
            catch (Exception e) when (e is not AssertionException)
            {
                throw new AssertionException($"a damaged scene ({mutation.Description}) threw {e.GetType().Name}, not CliInputException: {e}");
            }
        });

        ReliabilityTier.Report($"corrupt scene files ({original.Length} bytes): {report}");
    }

    private static ExportManifestWriter Writer(InMemoryHistoryStore history, string root, FakeTimeProvider time, Microsoft.Extensions.Logging.ILogger<ExportManifestWriter> logger)
    {
        time.Advance(TimeSpan.FromMinutes(1));
        return new ExportManifestWriter(history, new ExportCoordinator(NullLogger<ExportCoordinator>.Instance), root, time, logger);
    }

    private static string ClassifyPreferences(DiagnosticsPreferences loaded, DiagnosticsPreferences saved, RecordingLogger<JsonFileDiagnosticsPreferenceStore> logger, string path, string damage)
    {
        Assert.That(Enum.IsDefined(loaded.SortBy), Is.True, $"{damage}: sort key {loaded.SortBy} used");
        Assert.That(loaded.ShownStatuses, Is.Not.Null.And.All.Matches<DiagnosticsStatus>(Enum.IsDefined), $"{damage}: statuses {loaded.ShownStatuses} used");
        var warnings = logger.Entries.Where(e => e.EventId == 4001).ToArray();
        if (warnings.Length > 0)
        {
            Assert.That(loaded, Is.EqualTo(DiagnosticsPreferences.Default), damage);
            Assert.That(warnings.Single().Message, Does.Contain(path), damage);
            return "defaults, warning 4001";
        }

        return loaded == saved ? "loaded unchanged" : "loaded other valid preferences";
    }
}
