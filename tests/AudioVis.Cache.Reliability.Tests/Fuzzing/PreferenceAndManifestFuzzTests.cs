using System.Text.Json;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>
/// The two readers that report damage instead of throwing: the diagnostics preference file (LoadAsync gives the defaults
/// and warning 4001) and the previous export manifest (WriteAsync reads its generatedAt, logs when it cannot, and writes
/// the new manifest). Neither documents an exception for a damaged file.
/// </summary>
public sealed class PreferenceAndManifestFuzzTests
{
    private const string Preferences = """{"format":1,"sortBy":"Status","descending":true,"shownStatuses":["Failed","Stale","Missing"]}""";

    [Test]
    public void PreferenceFile_Damaged_LoadsValidPreferencesNeverThrows()
    {
        using var folder = new FuzzFolder();
        FuzzHarness.Run(
            "JsonFileDiagnosticsPreferenceStore.LoadAsync",
            FuzzFile.In(folder.Path, JsonMutations.Of(Preferences), ".json"),
            file => file.Read(path =>
            {
                var store = new JsonFileDiagnosticsPreferenceStore(path, NullLogger<JsonFileDiagnosticsPreferenceStore>.Instance);
                AssertValid(store.LoadAsync().AsTask().GetAwaiter().GetResult());
            }),
            [],
            file => file.Name,
            fast: 2_000,
            print: file => file.Print());
    }

    [Test]
    public async Task PreviousManifest_Damaged_IsReadOrIgnoredAndTheNewManifestIsWritten()
    {
        using var folder = new FuzzFolder();
        var at = new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);
        var history = new InMemoryHistoryStore(new HistoryRetentionOptions(), TimeProvider.System);
        await history.AppendAsync([Entry(at, "rms@L"), Entry(at.AddSeconds(1), "spectrum.bands32@mid")]);
        var writer = new ExportManifestWriter(history, new ExportCoordinator(NullLogger<ExportCoordinator>.Instance), folder.Path, TimeProvider.System, NullLogger<ExportManifestWriter>.Instance);
        var manifest = await File.ReadAllBytesAsync((await writer.WriteAsync("seed")).Path);

        FuzzHarness.Run(
            "ExportManifestWriter.WriteAsync over a damaged previous manifest",
            JsonMutations.Of(System.Text.Encoding.UTF8.GetString(manifest)).Select(bytes => (Bytes: bytes, Scene: $"scene-{Guid.NewGuid():N}")),
            c =>
            {
                var path = writer.GetManifestPath(c.Scene);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, c.Bytes);
                var result = writer.WriteAsync(c.Scene).AsTask().GetAwaiter().GetResult();
                using var written = JsonDocument.Parse(File.ReadAllBytes(path));
                Assert.That(written.RootElement.GetProperty("generatedAt").GetDateTimeOffset(), Is.EqualTo(result.GeneratedAt));
                Assert.That(result.PreviousExportAt?.Offset ?? TimeSpan.Zero, Is.EqualTo(TimeSpan.Zero), "a previous export time read is UTC");
                Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
            },
            [],
            c => c.Scene,
            fast: 500,
            print: c => new FuzzFile(c.Bytes, c.Scene).Print());
    }

    /// <summary>What a host may rely on: defined enum values and a list of statuses.</summary>
    internal static void AssertValid(DiagnosticsPreferences loaded) =>
        Assert.Multiple(() =>
        {
            Assert.That(Enum.IsDefined(loaded.SortBy), Is.True, $"sort key {(int)loaded.SortBy} is defined");
            Assert.That(loaded.ShownStatuses, Is.Not.Null);
            Assert.That(loaded.ShownStatuses?.All(Enum.IsDefined), Is.True, "every shown status is defined");
        });

    private static HistoryEntry Entry(DateTimeOffset at, string descriptor) =>
        new(Guid.CreateVersion7(at), at, new CacheKey("track.wav", "default"), HistoryAction.AutoRegenerate, [DescriptorId.Parse(descriptor)], HistoryStatus.Success, 42, ["bars"], RegenerationReason.Missing, null, null);
}
