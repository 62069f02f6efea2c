using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.Analysis;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>The panel's sort and filter, and where they are kept (issue #11).</summary>
public sealed class DiagnosticsPreferencesTests
{
    [Test]
    public async Task JsonFile_RoundTrips_AndAMissingFileGivesTheDefaults()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var path = Path.Combine(folder.Path, "settings", "prefs.json");
        var store = new JsonFileDiagnosticsPreferenceStore(path, new FakeLogger<JsonFileDiagnosticsPreferenceStore>());
        var before = await store.LoadAsync();
        var saved = new DiagnosticsPreferences { SortBy = DiagnosticsSortKey.Status, Descending = true, ShownStatuses = [DiagnosticsStatus.Failed, DiagnosticsStatus.Stale] };

        await store.SaveAsync(saved);
        var loaded = await new JsonFileDiagnosticsPreferenceStore(path, new FakeLogger<JsonFileDiagnosticsPreferenceStore>()).LoadAsync();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(DiagnosticsPreferences.Default));
            Assert.That(loaded, Is.EqualTo(saved));
            Assert.That(File.ReadAllText(path), Does.Contain("\"sortBy\":\"Status\""));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }

    [TestCase("{ not json")]
    [TestCase("")]
    [TestCase("{\"format\":2}")]
    [TestCase("{\"format\":1,\"sortBy\":\"Colour\"}")]
    [TestCase("{\"format\":1,\"surprise\":true}")]
    public async Task CorruptFile_GivesTheDefaults_AndIsReportedWithItsPath(string content)
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var path = Path.Combine(folder.Path, "prefs.json");
        File.WriteAllText(path, content);
        var collector = new FakeLogCollector();
        var store = new JsonFileDiagnosticsPreferenceStore(path, new FakeLogger<JsonFileDiagnosticsPreferenceStore>(collector));

        var loaded = await store.LoadAsync();

        Assert.Multiple(() =>
        {
            Assert.That(loaded, Is.EqualTo(DiagnosticsPreferences.Default));
            Assert.That(collector.GetSnapshot().Single(r => r.Id.Id == 4001).Message, Does.Contain(path));
            Assert.That(File.ReadAllText(path), Is.EqualTo(content), "the bad file is left as it was until the next save");
        });
    }

    [Test]
    public async Task Panel_UsesTheSavedPreferences_FilteringAndSorting()
    {
        await using var services = new TestServices(s =>
            s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>())));
        services.Bus.Publish(services.Intent("meter", "a.wav", "hires", "rms", "zcr", "no.such"));
        await services.Scheduler.RunFrameAsync();
        var panel = services.Get<IDiagnosticsPanel>();
        var all = await panel.GetAsync();

        await services.Get<IDiagnosticsPreferenceStore>().SaveAsync(new DiagnosticsPreferences { ShownStatuses = [DiagnosticsStatus.Missing], Descending = true });
        var missingOnly = await panel.GetAsync();
        var unknownOnly = await panel.GetAsync(new DiagnosticsPreferences { ShownStatuses = [DiagnosticsStatus.Current] });

        Assert.Multiple(() =>
        {
            Assert.That(all.Rows.Select(r => $"{r.Descriptor} {r.Status}"), Is.EqualTo(new[] { "no.such Unknown", "rms Missing", "zcr Missing" }));
            Assert.That(missingOnly.Rows.Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "zcr", "rms" }), "saved filter and descending sort");
            Assert.That(unknownOnly.Tracks, Is.Empty, "a filter that leaves nothing drops the sections");
        });
    }
}
