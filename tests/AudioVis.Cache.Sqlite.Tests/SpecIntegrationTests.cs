using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using NAudio.Wave;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>
/// The spec's three integration tests, end to end through DI with the real analyzer, the SQLite store, real WAV files, the
/// banner and the diagnostics panel (issue #11).
/// </summary>
public sealed class SpecIntegrationTests
{
    private const string Track = "intro.wav";
    private static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { FftSize = 4096, WindowSize = 4096 }, "HighRes FFT");
    private static readonly CacheKey Key = new(Track, "hires");
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ProfileMismatch_BannerRenders_RegenerateAll_CachesUpdate_BannerDismissesItself()
    {
        using var folder = new TempFolder();
        await using var app = App.Start(folder);
        await app.SettleAsync();
        await app.RegenerateAllAsync();
        var clean = app.Banner.Current;

        app.Profiles.Replace(new AnalysisProfile("hires", HiRes.Parameters with { FftSize = 8192 }, "HighRes FFT"));
        await app.Scheduler.RunFrameAsync();
        var mismatch = app.Banner.Current;
        await app.RegenerateAllAsync();
        var records = await app.Store.GetRecordsAsync(Key);

        Assert.Multiple(() =>
        {
            Assert.That(clean.IsVisible, Is.False);
            Assert.That(mismatch.State, Is.EqualTo(BannerState.NeedsRegeneration));
            Assert.That(mismatch.Message, Does.StartWith("2 descriptors require regeneration to match the 'HighRes FFT' profile."));
            Assert.That(mismatch.Actions, Does.Contain(BannerAction.RegenerateAll));
            Assert.That(app.Banner.Current.IsVisible, Is.False, "the banner dismisses itself once the caches match");
            Assert.That(records.Where(r => r.Descriptor.ToString() != "rms@mid").Select(r => r.ProfileRevisionHash), Has.All.EqualTo(app.Profiles.Profiles.Single(p => p.Id == "hires").RevisionHash), "the spectrum-based entries were recomputed with the new profile");
            Assert.That(records.Single(r => r.Descriptor.ToString() == "rms@mid").ProfileRevisionHash, Is.EqualTo(HiRes.RevisionHash), "rms does not depend on the FFT size: untouched");
        });
    }

    [Test]
    public async Task PanelRegenerate_OneRow_ChangesOnlyThatEntry_InTheMetadataStore()
    {
        using var folder = new TempFolder();
        await using var app = App.Start(folder);
        await app.SettleAsync();
        await app.RegenerateAllAsync();
        var before = (await app.Store.GetRecordsAsync(Key)).ToDictionary(r => r.Descriptor.ToString());

        app.Profiles.Replace(new AnalysisProfile("hires", HiRes.Parameters with { HopSize = 256 }, "HighRes FFT"));
        await app.Scheduler.RunFrameAsync();
        var panel = await app.Panel.OpenAsync();
        var row = panel.Rows.Single(r => r.Descriptor.ToString() == "spectral.centroid");
        app.Scheduler.TryGetLatest(Key, out var diff);
        var outcome = await app.Queue.Regenerate(diff!, row.Descriptor).Completion;
        await app.Scheduler.RunFrameAsync();
        var after = (await app.Store.GetRecordsAsync(Key)).ToDictionary(r => r.Descriptor.ToString());
        var panelAfter = await app.Panel.GetAsync();

        Assert.Multiple(() =>
        {
            Assert.That(row.Status, Is.EqualTo(DiagnosticsStatus.Stale));
            Assert.That(row.Reason, Does.Contain("Hop size changed from 512 to 256"));
            Assert.That(row.Actions, Does.Contain(DiagnosticsRowAction.Regenerate));
            Assert.That(outcome.Succeeded, Is.True, () => $"{outcome.Status}: {outcome.Error}");
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
            foreach (var (descriptor, record) in before)
            {
                if (descriptor == "spectral.centroid")
                {
                    Assert.That(after[descriptor], Is.Not.EqualTo(record), "the targeted entry was recomputed");
                }
                else
                {
                    Assert.That(after[descriptor], Is.EqualTo(record), $"{descriptor} must be untouched");
                }
            }

            Assert.That(panelAfter.Rows.Single(r => r.Descriptor.ToString() == "spectral.centroid").Status, Is.EqualTo(DiagnosticsStatus.Current));
            Assert.That(panelAfter.Rows.Where(r => r.Descriptor.ToString() != "spectral.centroid").Select(r => r.Status), Has.All.EqualTo(DiagnosticsStatus.Stale));
        });
    }

    [Test]
    public async Task FailingRegeneration_ShowsFailed_RecordsAFailureInHistory_AndRetrySucceeds()
    {
        using var folder = new TempFolder();
        await using var app = App.Start(folder);
        await app.SettleAsync();
        app.Resolver.FailNextOpen = true;
        var failed = await app.Queue.RegenerateAll(app.Scheduler.GetLatestDiffs()).Single().Completion;
        await app.Scheduler.RunFrameAsync();
        var banner = app.Banner.Current;
        var failedRows = (await app.Panel.GetAsync()).Rows.Where(r => r.Status == DiagnosticsStatus.Failed).ToArray();
        var failureEntry = await app.WaitForHistoryAsync(HistoryStatus.Failure);

        var retried = await app.Queue.Retry(banner.FailedJobIds.Single()).Completion;
        await app.Scheduler.RunFrameAsync();
        var successEntry = await app.WaitForHistoryAsync(HistoryStatus.Success);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(banner.State, Is.EqualTo(BannerState.Failed));
            Assert.That(banner.Actions, Does.Contain(BannerAction.Retry));
            Assert.That(failedRows, Has.Length.EqualTo(3));
            Assert.That(failedRows.Select(r => r.FailedJobId), Has.All.EqualTo(failed.JobId));
            Assert.That(failureEntry?.ErrorType, Is.EqualTo(typeof(IOException).FullName));
            Assert.That(retried.Succeeded, Is.True, () => $"{retried.Status}: {retried.Error}");
            Assert.That(successEntry, Is.Not.Null);
            Assert.That(app.Banner.Current.IsVisible, Is.False);
        });
    }

    /// <summary>The library as a host wires it: DI, SQLite, files under a temporary folder, three elements on one track.</summary>
    private sealed class App : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private App(ServiceProvider provider, FlakyResolver resolver)
        {
            _provider = provider;
            Resolver = resolver;
        }

        public FlakyResolver Resolver { get; }

        public IDiffScheduler Scheduler => _provider.GetRequiredService<IDiffScheduler>();

        public IRegenerationQueue Queue => _provider.GetRequiredService<IRegenerationQueue>();

        public IAnalysisProfileRegistry Profiles => _provider.GetRequiredService<IAnalysisProfileRegistry>();

        public ICacheMetadataStore Store => _provider.GetRequiredService<ICacheMetadataStore>();

        public ICacheBanner Banner => _provider.GetRequiredService<ICacheBanner>();

        public IDiagnosticsPanel Panel => _provider.GetRequiredService<IDiagnosticsPanel>();

        public static App Start(TempFolder folder)
        {
            WriteWav(folder.File(Track));
            var resolver = new FlakyResolver(folder.Path);
            var services = new ServiceCollection();
            services.AddSingleton<ITrackAudioResolver>(resolver);
            services.AddAudioVisCache(o =>
            {
                o.AudioRoot = folder.Path;
                o.FeatureCacheRoot = folder.File("cache");
                o.DiagnosticsPreferencesPath = folder.File("preferences.json");
                o.Profiles.Add(HiRes);
            })
                .UseSqlite()
                .ConfigureRegeneration(o => o.Retry.MaxAttempts = 1);
            var app = new App(services.BuildServiceProvider(), resolver);
            var bus = app._provider.GetRequiredService<IAnalysisIntentBus>();
            bus.Publish(AnalysisIntent.Create("bars", Track, "hires", ["spectrum.bands32@L", "rms@mid"], DateTimeOffset.UnixEpoch));
            bus.Publish(AnalysisIntent.Create("pulse", Track, "hires", ["rms@mid", "spectral.centroid"], DateTimeOffset.UnixEpoch));
            return app;
        }

        public async Task SettleAsync()
        {
            await _provider.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
            await Scheduler.RunFrameAsync();
        }

        public async Task RegenerateAllAsync()
        {
            foreach (var ticket in Queue.RegenerateAll(Scheduler.GetLatestDiffs()))
            {
                var outcome = await ticket.Completion;
                Assert.That(outcome.Succeeded, Is.True, () => $"{outcome.Status}: {outcome.Error}");
            }

            await Scheduler.RunFrameAsync();
        }

        /// <summary>The history is appended in the background: waits for an entry of the status (the newest first).</summary>
        public async Task<HistoryEntry?> WaitForHistoryAsync(HistoryStatus status)
        {
            var history = _provider.GetRequiredService<IHistoryStore>();
            var deadline = DateTime.UtcNow + Eventually;
            while (DateTime.UtcNow < deadline)
            {
                var page = await history.QueryAsync(new HistoryQuery { Status = status });
                if (page.Entries.Count > 0)
                {
                    return page.Entries[0];
                }

                await Task.Delay(20);
            }

            return null;
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();

        private static void WriteWav(string path)
        {
            using var writer = new WaveFileWriter(path, new WaveFormat(22_050, 16, 1));
            var samples = Enumerable.Range(0, 22_050 * 3).Select(n => 0.4f * MathF.Sin(n * 0.07f)).ToArray();
            writer.WriteSamples(samples, 0, samples.Length);
        }
    }

    /// <summary>Files under a folder; the next open fails with an I/O error when asked (a drive that went away).</summary>
    private sealed class FlakyResolver(string root) : ITrackAudioResolver
    {
        private int _failNext;

        public bool FailNextOpen
        {
            get => Volatile.Read(ref _failNext) == 1;
            set => Volatile.Write(ref _failNext, value ? 1 : 0);
        }

        public IAudioSource Open(string trackRef) =>
            Interlocked.Exchange(ref _failNext, 0) == 1
                ? throw new IOException($"The drive holding '{trackRef}' is not available.")
                : AudioSources.Open(Path.Combine(root, trackRef));

        public string? GetChangeToken(string trackRef)
        {
            var file = new FileInfo(Path.Combine(root, trackRef));
            return file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : null;
        }
    }
}
