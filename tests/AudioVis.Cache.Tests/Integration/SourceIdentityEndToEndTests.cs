using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.Analysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Integration;

/// <summary>
/// Issue #9 items 1 and 2, end to end on real files with the default services (no host calls): an edited file is reported
/// stale by the next diffs, a file that cannot be read is reported unavailable with its typed error, and no frame decodes audio.
/// </summary>
public sealed class SourceIdentityEndToEndTests
{
    private const string Track = "tone.wav";
    private const int SampleRate = 8_000;
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);

    // Issue #9 item 1: overwriting 1 s of a WAV left the diff clean (source detection was off by default).
    [Test]
    public async Task OverwritingOneSecondOfAWav_DefaultServices_TheDiffReportsSourceChanged_AndNoFrameDecodes()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        WriteWav(Path.Combine(folder.Path, Track), seconds: 5, amplitude: 0.5f);
        var resolver = new FrameAwareResolver(folder.Path);
        await using var services = Build(resolver, folder.Path);
        var scheduler = services.GetRequiredService<IDiffScheduler>();
        var monitor = services.GetRequiredService<ITrackSourceMonitor>();
        Publish(services, "meter", Track, "rms", "zcr");
        await monitor.WhenIdleAsync();
        var missing = (await resolver.FrameAsync(scheduler)).Single();
        var outcome = await services.GetRequiredService<IRegenerationQueue>().RegenerateAll([missing]).Single().Completion;
        var current = (await resolver.FrameAsync(scheduler)).Single();
        var hashBefore = monitor.GetStatus(Track).ContentHash;
        var record = (await services.GetRequiredService<ICacheMetadataStore>().GetRecordsAsync(new CacheKey(Track, AnalysisProfile.DefaultId)))[0];

        OverwriteSecond(Path.Combine(folder.Path, Track), second: 2);
        var stale = await FrameUntilAsync(resolver, scheduler, d => d.Stale.Count > 0);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.True, () => $"{outcome.Status}: {outcome.Error}");
            Assert.That(current.Current.Select(d => d.ToString()), Is.EqualTo(new[] { "rms", "zcr" }));
            Assert.That(record.SourceContentHash, Is.EqualTo(hashBefore), "the analysis stores the content hash it computed, the one the monitor found");
            Assert.That(stale, Is.Not.Null, "the edit must be reported without host calls");
            Assert.That(stale!.Stale.Select(d => d.ToString()), Is.EqualTo(new[] { "rms", "zcr" }));
            var reason = stale.StaleDetails[0].Reasons.OfType<SourceChanged>().Single();
            Assert.That(reason.CachedSourceHash, Is.EqualTo(hashBefore));
            Assert.That(reason.CurrentSourceHash, Is.EqualTo(monitor.GetStatus(Track).ContentHash).And.Not.EqualTo(hashBefore));
            Assert.That(resolver.OpensInFrames, Is.Zero, "a frame never decodes audio");
        });
    }

    [Test]
    public async Task Edit_WithoutAFileWatcher_IsFoundByThePeriodicCheck()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        WriteWav(Path.Combine(folder.Path, Track), seconds: 2, amplitude: 0.5f);
        var resolver = new FrameAwareResolver(folder.Path);
        await using var services = Build(resolver, folder.Path, o =>
        {
            o.WatchFiles = false;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        var scheduler = services.GetRequiredService<IDiffScheduler>();
        Publish(services, "meter", Track, "rms");
        await services.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
        var missing = (await resolver.FrameAsync(scheduler)).Single();
        await services.GetRequiredService<IRegenerationQueue>().RegenerateAll([missing]).Single().Completion;
        await resolver.FrameAsync(scheduler);

        OverwriteSecond(Path.Combine(folder.Path, Track), second: 1);
        var stale = await FrameUntilAsync(resolver, scheduler, d => d.Stale.Count > 0);

        Assert.Multiple(() =>
        {
            Assert.That(services.GetRequiredService<TrackSourceMonitor>().WatchedDirectoryCount, Is.Zero);
            Assert.That(stale?.StaleDetails.Single().Reasons.Single(), Is.TypeOf<SourceChanged>());
            Assert.That(resolver.OpensInFrames, Is.Zero);
        });
    }

    // Issue #9 item 2: a track the hasher cannot read got no diff at all and was decoded again every frame (warning 1101 each time).
    [TestCase("garbage", TrackSourceProblem.Undecodable)]
    [TestCase("empty", TrackSourceProblem.Undecodable)]
    [TestCase("nan", TrackSourceProblem.InvalidSample)]
    [TestCase("missing", TrackSourceProblem.NotFound)]
    [TestCase("outside", TrackSourceProblem.OutsideAudioRoot)]
    public async Task UnreadableTrack_IsReportedUnavailableWithItsTypedError_AndIsNotDecodedAgainByFrames(string kind, TrackSourceProblem problem)
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var trackRef = WriteUnreadable(folder.Path, kind);
        var resolver = new FrameAwareResolver(folder.Path);
        var logs = new FakeLogCollector();
        await using var services = Build(resolver, folder.Path, logs: logs);
        var scheduler = services.GetRequiredService<IDiffScheduler>();
        var monitor = services.GetRequiredService<TrackSourceMonitor>();
        Publish(services, "meter", trackRef, "rms", "zcr", "no.such");
        await monitor.WhenIdleAsync();
        var diff = (await resolver.FrameAsync(scheduler)).Single();
        var decodes = monitor.DecodeCount;
        for (var i = 0; i < 50; i++)
        {
            scheduler.InvalidateAll();
            await resolver.FrameAsync(scheduler);
        }

        await monitor.WhenIdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diff.Unavailable.Select(d => d.ToString()), Is.EqualTo(new[] { "rms", "zcr" }));
            Assert.That(diff.Unknown.Select(d => d.ToString()), Is.EqualTo(new[] { "no.such" }), "unknown descriptors stay unknown");
            Assert.That(diff.Missing, Is.Empty);
            Assert.That(diff.Stale, Is.Empty);
            Assert.That(diff.RequiresRegeneration, Is.False, "Regenerate All has nothing to try");
            Assert.That(diff.SourceError, Is.Not.Null);
            Assert.That(diff.SourceError!.Problem, Is.EqualTo(problem), () => diff.SourceError.Description);
            Assert.That(diff.SourceError.TrackRef, Is.EqualTo(trackRef));
            Assert.That(diff.SourceError.Message, Is.Not.Empty);
            Assert.That(diff.ToString(), Does.Contain($"2 unavailable ({problem})"));
            Assert.That(monitor.DecodeCount, Is.EqualTo(decodes), "50 frames later the file was not decoded again");
            Assert.That(resolver.OpensInFrames, Is.Zero);
            Assert.That(logs.GetSnapshot().Count(r => r.Id.Id == 1110), Is.EqualTo(1), "the problem is logged once, not every frame");
            Assert.That(logs.GetSnapshot().Count(r => r.Id.Id == 1101), Is.Zero, "diffing does not fail");
        });
    }

    [Test]
    public async Task UnreadableTrack_FixedOnDisk_IsReadableAgain_AndItsDescriptorsAreMissing()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var trackRef = WriteUnreadable(folder.Path, "garbage");
        var resolver = new FrameAwareResolver(folder.Path);
        await using var services = Build(resolver, folder.Path);
        var scheduler = services.GetRequiredService<IDiffScheduler>();
        Publish(services, "meter", trackRef, "rms");
        await services.GetRequiredService<ITrackSourceMonitor>().WhenIdleAsync();
        var unavailable = (await resolver.FrameAsync(scheduler)).Single();

        WriteWav(Path.Combine(folder.Path, trackRef), seconds: 1, amplitude: 0.25f);
        var fixedDiff = await FrameUntilAsync(resolver, scheduler, d => d.Missing.Count > 0);

        Assert.Multiple(() =>
        {
            Assert.That(unavailable.Unavailable, Has.Count.EqualTo(1));
            Assert.That(fixedDiff, Is.Not.Null, "a fixed file is noticed without host calls");
            Assert.That(fixedDiff!.SourceError, Is.Null);
            Assert.That(fixedDiff.Unavailable, Is.Empty);
            Assert.That(fixedDiff.Missing.Select(d => d.ToString()), Is.EqualTo(new[] { "rms" }));
        });
    }

    [Test]
    public async Task RetractingTheLastIntentOfATrack_StopsWatchingIt()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var trackRef = WriteUnreadable(folder.Path, "garbage");
        var resolver = new FrameAwareResolver(folder.Path);
        await using var services = Build(resolver, folder.Path);
        var monitor = services.GetRequiredService<TrackSourceMonitor>();
        var bus = services.GetRequiredService<IAnalysisIntentBus>();
        Publish(services, "a", trackRef, "rms");
        Publish(services, "b", trackRef, "zcr");
        await monitor.WhenIdleAsync();
        var watchedWithTwo = monitor.WatchedTracks.Count;

        bus.Retract("a");
        var watchedWithOne = monitor.WatchedTracks.Count;
        bus.Retract("b");

        // Unwatched once a second has passed without an element asking for the track again (a scene reload keeps it).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (monitor.WatchedTracks.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Multiple(() =>
        {
            Assert.That(watchedWithTwo, Is.EqualTo(1));
            Assert.That(watchedWithOne, Is.EqualTo(1), "the track still has an intent");
            Assert.That(monitor.WatchedTracks, Is.Empty);
            Assert.That(monitor.WatchedDirectoryCount, Is.Zero, "the folder's watcher is disposed");
            Assert.That(monitor.GetStatus(trackRef), Is.EqualTo(TrackSourceStatus.Unknown));
        });
    }

    private static ServiceProvider Build(ITrackAudioResolver resolver, string cacheRoot, Action<SourceIdentityOptions>? configure = null, FakeLogCollector? logs = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(resolver);
        if (logs is not null)
        {
            services.AddSingleton<ILoggerFactory>(new TestSupport.FakeLoggerFactory(logs));
        }

        var builder = services.AddAudioVisCache(o => o.FeatureCacheRoot = Path.Combine(cacheRoot, ".cache"));
        if (configure is not null)
        {
            builder.ConfigureSourceIdentity(configure);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static void Publish(IServiceProvider services, string element, string trackRef, params string[] descriptors) =>
        services.GetRequiredService<IAnalysisIntentBus>().Publish(AnalysisIntent.Create(element, trackRef, AnalysisProfile.DefaultId, descriptors, DateTimeOffset.UnixEpoch));

    /// <summary>Runs frames (like a host's render loop) until a published diff matches, or gives up after <see cref="Eventually"/>.</summary>
    private static async Task<CacheDiff?> FrameUntilAsync(FrameAwareResolver resolver, IDiffScheduler scheduler, Func<CacheDiff, bool> match)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var diff in await resolver.FrameAsync(scheduler))
            {
                if (match(diff))
                {
                    return diff;
                }
            }

            await Task.Delay(10);
        }

        return null;
    }

    private static string WriteUnreadable(string folder, string kind)
    {
        var path = Path.Combine(folder, Track);
        switch (kind)
        {
            case "garbage":
                File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
                return Track;
            case "empty":
                File.WriteAllBytes(path, []);
                return Track;
            case "nan":
                using (var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 1)))
                {
                    float[] samples = [0.1f, 0.2f, float.NaN, 0.3f];
                    writer.WriteSamples(samples, 0, samples.Length);
                }

                return Track;
            case "missing":
                return "missing.wav";
            case "outside":
                return "../outside.wav";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind.");
        }
    }

    internal static void WriteWav(string path, int seconds, float amplitude)
    {
        using var writer = new WaveFileWriter(path, new WaveFormat(SampleRate, 16, 1));
        var samples = Enumerable.Range(0, SampleRate * seconds).Select(n => amplitude * MathF.Sin(n * 0.05f)).ToArray();
        writer.WriteSamples(samples, 0, samples.Length);
    }

    /// <summary>Overwrites one second of 16-bit mono audio in place: same length, new samples.</summary>
    internal static void OverwriteSecond(string path, int second)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Seek(44 + (second * SampleRate * 2), SeekOrigin.Begin);
        var bytes = new byte[SampleRate * 2];
        for (var i = 0; i < SampleRate; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (short)(i * 7 % 20_000));
        }

        file.Write(bytes);
    }

    /// <summary>The default resolver, counting the decodes started while a frame runs (the frame flows its flag through async calls).</summary>
    private sealed class FrameAwareResolver(string root) : ITrackAudioResolver
    {
        private static readonly AsyncLocal<bool> InFrame = new();
        private readonly ITrackAudioResolver _inner = new FileSystemTrackAudioResolver(root);
        private int _opensInFrames;

        public int OpensInFrames => Volatile.Read(ref _opensInFrames);

        public async Task<IReadOnlyList<CacheDiff>> FrameAsync(IDiffScheduler scheduler)
        {
            InFrame.Value = true;
            try
            {
                return await scheduler.RunFrameAsync();
            }
            finally
            {
                InFrame.Value = false;
            }
        }

        public IAudioSource Open(string trackRef)
        {
            if (InFrame.Value)
            {
                Interlocked.Increment(ref _opensInFrames);
            }

            return _inner.Open(trackRef);
        }

        public string? GetChangeToken(string trackRef) => _inner.GetChangeToken(trackRef);

        public string? GetFilePath(string trackRef) => _inner.GetFilePath(trackRef);
    }
}
