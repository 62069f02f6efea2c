using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>The track source monitor on a fake clock, without file watchers: every check is started by the test.</summary>
public sealed class TrackSourceMonitorTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    [Test]
    public async Task NewTrack_IsHashedOnce_InTheBackground_AndEqualsTheAnalyzersHash()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        using var harness = new Harness(folder.Path);
        string expected;
        using (var source = AudioSources.Open(Path.Combine(folder.Path, "a.wav")))
        {
            expected = await AudioContentHasher.ComputeAsync(source);
        }

        var before = harness.Monitor.GetStatus("a.wav");
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        await harness.AdvanceAsync(Poll * 3);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(TrackSourceStatus.Unknown), "nothing is known about a track without intents");
            Assert.That(harness.Monitor.GetStatus("a.wav"), Is.EqualTo(TrackSourceStatus.Known(expected)));
            Assert.That(harness.Monitor.DecodeCount, Is.EqualTo(1), "unchanged fingerprints are not decoded again");
        });
    }

    [Test]
    public async Task ChangedFingerprint_SameAudio_KeepsTheHash_AndRaisesNoChange()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var path = Path.Combine(folder.Path, "a.wav");
        SourceIdentityEndToEndTests.WriteWav(path, seconds: 1, amplitude: 0.5f);
        using var harness = new Harness(folder.Path);
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        var known = harness.Monitor.GetStatus("a.wav");

        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await harness.AdvanceAsync(Poll);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Monitor.DecodeCount, Is.EqualTo(2), "a touched file is decoded again");
            Assert.That(harness.Monitor.GetStatus("a.wav"), Is.EqualTo(known), "only a changed content hash is a change");
            Assert.That(harness.Changes, Is.EqualTo(new[] { "a.wav" }), "one change: unknown → known");
        });
    }

    [Test]
    public async Task UndecodableTrack_IsDecodedAgainOnlyWhenItChanges_WithBackOff()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var path = Path.Combine(folder.Path, "a.wav");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        using var harness = new Harness(folder.Path, o =>
        {
            o.RetryDelay = TimeSpan.FromSeconds(2);
            o.MaxRetryDelay = TimeSpan.FromSeconds(4);
        });
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        var first = harness.Monitor.DecodeCount;

        await harness.AdvanceAsync(Poll * 5);
        var unchanged = harness.Monitor.DecodeCount;

        File.WriteAllBytes(path, [9, 9, 9, 9, 9, 9, 9, 9, 9]);
        await harness.AdvanceAsync(Poll);
        var afterChange = harness.Monitor.DecodeCount;

        // The second failure doubles the delay to 4 s: a change one second later waits for it.
        File.WriteAllBytes(path, [7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
        await harness.AdvanceAsync(Poll);
        var withinBackOff = harness.Monitor.DecodeCount;
        await harness.AdvanceAsync(Poll * 3);
        var afterBackOff = harness.Monitor.DecodeCount;

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(1));
            Assert.That(unchanged, Is.EqualTo(1), "an unchanged broken file is not decoded again");
            Assert.That(afterChange, Is.EqualTo(2), "a change is tried once the first delay (2 s) has passed");
            Assert.That(withinBackOff, Is.EqualTo(2), "a change within the back-off waits");
            Assert.That(afterBackOff, Is.EqualTo(3), "and is tried when it ends");
            Assert.That(harness.Monitor.GetStatus("a.wav").Error?.Problem, Is.EqualTo(TrackSourceProblem.Undecodable));
        });
    }

    [Test]
    public async Task PeriodicCheck_OfAnUnchangedFile_ReadsNoSampledBlocks()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        using var harness = new Harness(folder.Path);
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        var afterFirstCheck = harness.Resolver.TokenRequests;

        await harness.AdvanceAsync(Poll * 20);

        Assert.Multiple(() =>
        {
            Assert.That(afterFirstCheck, Is.EqualTo(2), "the first check fingerprints before and after hashing");
            Assert.That(harness.Resolver.TokenRequests, Is.EqualTo(afterFirstCheck), "20 polls of an unchanged file cost a stat each, no fingerprint");
        });
    }

    [Test]
    public async Task LockedFile_IsRetriedAsItIs_WithBackOff_UntilItCanBeRead()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        using var harness = new Harness(folder.Path, o =>
        {
            o.PollInterval = Timeout.InfiniteTimeSpan;
            o.RetryDelay = TimeSpan.FromSeconds(1);
            o.MaxRetryDelay = TimeSpan.FromSeconds(8);
        });
        harness.Resolver.Locked = true;
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        var locked = harness.Monitor.GetStatus("a.wav");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(7));
        var attemptsIn7Seconds = harness.Resolver.TokenRequests;

        harness.Resolver.Locked = false;
        await harness.AdvanceAsync(TimeSpan.FromSeconds(8));

        Assert.Multiple(() =>
        {
            Assert.That(locked.Error?.Problem, Is.EqualTo(TrackSourceProblem.IOError));
            Assert.That(attemptsIn7Seconds, Is.EqualTo(4), "tried at 0, 1, 3 and 7 s: delays of 1, 2 and 4 s");
            Assert.That(harness.Monitor.GetStatus("a.wav").IsKnown, Is.True, "read once the lock is gone, without any file event");
        });
    }

    [Test]
    public async Task RetractedTrack_IsNotCheckedAnyMore()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var path = Path.Combine(folder.Path, "a.wav");
        File.WriteAllBytes(path, [1, 2, 3]);
        using var harness = new Harness(folder.Path);
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();

        harness.Bus.Retract("e");
        File.WriteAllBytes(path, [4, 5, 6, 7]);
        await harness.AdvanceAsync(Poll * 10);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Monitor.DecodeCount, Is.EqualTo(1));
            Assert.That(harness.Resolver.TokenRequests, Is.EqualTo(1), "not even fingerprinted");
            Assert.That(harness.Monitor.WatchedTracks, Is.Empty);
        });
    }

    // A host reloading its scene retracts every element and publishes them again: the track stays watched, nothing is re-checked.
    [Test]
    public async Task SceneReload_RetractAllThenPublishAgain_KeepsTheWatch_ChecksNothingAgain()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "a.wav"), [1, 2, 3]);
        using var harness = new Harness(folder.Path);
        harness.Publish("e1", "a.wav");
        harness.Publish("e2", "a.wav");
        await harness.Monitor.WhenIdleAsync();
        var status = harness.Monitor.GetStatus("a.wav");

        harness.Bus.Retract("e1");
        harness.Bus.Retract("e2");
        harness.Publish("e1", "a.wav");
        harness.Publish("e2", "a.wav");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2));
        await harness.Monitor.WhenIdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Resolver.TokenRequests, Is.EqualTo(1), "the reload fingerprinted nothing again");
            Assert.That(harness.Monitor.DecodeCount, Is.EqualTo(1));
            Assert.That(harness.Monitor.WatchedTracks, Is.EqualTo(new[] { "a.wav" }));
            Assert.That(harness.Monitor.GetStatus("a.wav"), Is.EqualTo(status));
        });
    }

    [Test]
    public async Task TrackWithoutElements_IsUnwatchedOnceTheGraceHasPassed()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "a.wav"), [1, 2, 3]);
        using var harness = new Harness(folder.Path);
        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();

        harness.Bus.Retract("e");
        var during = harness.Monitor.WatchedTracks.ToArray();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(during, Is.EqualTo(new[] { "a.wav" }), "kept for the grace (a reload may follow)");
            Assert.That(harness.Monitor.WatchedTracks, Is.Empty);
            Assert.That(harness.Monitor.WatchedDirectoryCount, Is.Zero);
        });
    }

    [Test]
    public async Task ResolverWithoutChangeTokens_IsHashedOnlyWhenTheHostSaysItChanged()
    {
        var resolver = new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source);
        var bus = new AnalysisIntentBus(new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance), NullLogger<AnalysisIntentBus>.Instance);
        var time = new FakeTimeProvider();
        using var monitor = new TrackSourceMonitor(resolver, bus, time, new SourceIdentityOptions { WatchFiles = false, PollInterval = Poll, ChangeDebounce = TimeSpan.Zero }, null, NullLogger<TrackSourceMonitor>.Instance);
        bus.Publish(AnalysisIntent.Create("e", "sine", "default", ["rms"], time.GetUtcNow()));
        await monitor.WhenIdleAsync();
        var before = monitor.GetStatus("sine");

        monitor.NotifyChanged("sine");
        await monitor.WhenIdleAsync();
        time.Advance(Poll);
        await monitor.WhenIdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(TrackSourceStatus.Unknown), "no token: changes cannot be detected, so nothing is decoded");
            Assert.That(monitor.GetStatus("sine").IsKnown, Is.True);
            Assert.That(resolver.OpenCount, Is.EqualTo(1), "hashed once for NotifyChanged, not again by the periodic check");
        });
    }

    [Test]
    public async Task Fingerprints_SurviveARestart_SoUnchangedFilesAreNotDecodedAgain()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        var file = Path.Combine(folder.Path, SourceFingerprintCache.FileName);
        TrackSourceStatus first;
        using (var harness = new Harness(folder.Path, fingerprintFile: file))
        {
            harness.Publish("e", "a.wav");
            await harness.Monitor.WhenIdleAsync();
            first = harness.Monitor.GetStatus("a.wav");
        }

        using var restarted = new Harness(folder.Path, fingerprintFile: file);
        restarted.Publish("e", "a.wav");
        await restarted.Monitor.WhenIdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(file), Is.True, "saved on dispose");
            Assert.That(restarted.Monitor.GetStatus("a.wav"), Is.EqualTo(first));
            Assert.That(restarted.Monitor.DecodeCount, Is.Zero);
        });
    }

    [TestCase("{ not json")]
    [TestCase("{\"format\":1,\"hasher\":\"another-decoder\",\"tracks\":{}}")]
    [TestCase("{\"format\":2,\"hasher\":\"x\",\"tracks\":{}}")]
    public async Task CorruptOrForeignFingerprintFile_IsIgnoredAndReported_AndTheTrackIsDecoded(string content)
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        var file = Path.Combine(folder.Path, SourceFingerprintCache.FileName);
        File.WriteAllText(file, content);
        var logs = new FakeLogCollector();
        using var harness = new Harness(folder.Path, fingerprintFile: file, logs: logs);

        harness.Publish("e", "a.wav");
        await harness.Monitor.WhenIdleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Monitor.GetStatus("a.wav").IsKnown, Is.True);
            Assert.That(harness.Monitor.DecodeCount, Is.EqualTo(1));
            Assert.That(logs.GetSnapshot().Single(r => r.Id.Id == 1116).Message, Does.Contain(file));
        });
    }

    [Test]
    public void DisabledMonitor_KnowsNothing_AndWatchesNothing()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        SourceIdentityEndToEndTests.WriteWav(Path.Combine(folder.Path, "a.wav"), seconds: 1, amplitude: 0.5f);
        using var harness = new Harness(folder.Path, o => o.Enabled = false);

        harness.Publish("e", "a.wav");

        Assert.Multiple(() =>
        {
            Assert.That(harness.Monitor.WatchedTracks, Is.Empty);
            Assert.That(harness.Monitor.GetStatus("a.wav"), Is.EqualTo(TrackSourceStatus.Unknown));
            Assert.That(harness.Monitor.WhenIdleAsync().IsCompleted, Is.True);
        });
    }

    [TestCase(nameof(SourceIdentityOptions.PollInterval))]
    [TestCase(nameof(SourceIdentityOptions.ChangeDebounce))]
    [TestCase(nameof(SourceIdentityOptions.RetryDelay))]
    [TestCase(nameof(SourceIdentityOptions.MaxConcurrentHashes))]
    public void InvalidOptions_FailAtStartUp_NamingTheOption(string option)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().ConfigureSourceIdentity(o =>
        {
            switch (option)
            {
                case nameof(SourceIdentityOptions.PollInterval): o.PollInterval = TimeSpan.FromMilliseconds(1); break;
                case nameof(SourceIdentityOptions.ChangeDebounce): o.ChangeDebounce = TimeSpan.FromSeconds(-1); break;
                case nameof(SourceIdentityOptions.RetryDelay): o.RetryDelay = TimeSpan.FromHours(1); break;
                default: o.MaxConcurrentHashes = 0; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SourceIdentityOptions>>().Value);
        Assert.That(error!.Message, Does.Contain($"SourceIdentityOptions.{option}"));
    }

    [Test]
    public void TrackSourceStatus_FactoriesAndText()
    {
        var error = new TrackSourceError("a.wav", TrackSourceProblem.NotFound, "System.IO.FileNotFoundException", "gone");
        Assert.Multiple(() =>
        {
            Assert.That(TrackSourceStatus.Known("h").ToString(), Is.EqualTo("known h"));
            Assert.That(TrackSourceStatus.Unreadable(error).ToString(), Is.EqualTo("unreadable (NotFound)"));
            Assert.That(TrackSourceStatus.Unknown.ToString(), Is.EqualTo("unknown"));
            Assert.That(error.Description, Is.EqualTo("track 'a.wav' cannot be read (NotFound): gone"));
            Assert.Throws<ArgumentException>(() => TrackSourceStatus.Known(string.Empty));
            Assert.Throws<ArgumentNullException>(() => TrackSourceStatus.Unreadable(null!));
        });
    }

    /// <summary>A monitor over the files of one folder, on a fake clock, polling every second, with no watcher and no debounce.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly List<string> _changes = [];

        public Harness(string folder, Action<SourceIdentityOptions>? configure = null, string? fingerprintFile = null, FakeLogCollector? logs = null)
        {
            Resolver = new CountingTokens(new FileSystemTrackAudioResolver(folder));
            Bus = new AnalysisIntentBus(new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance), NullLogger<AnalysisIntentBus>.Instance);
            var options = new SourceIdentityOptions { WatchFiles = false, PollInterval = Poll, ChangeDebounce = TimeSpan.Zero };
            configure?.Invoke(options);
            var logger = logs is null ? (Microsoft.Extensions.Logging.ILogger<TrackSourceMonitor>)NullLogger<TrackSourceMonitor>.Instance : new FakeLogger<TrackSourceMonitor>(logs);
            Monitor = new TrackSourceMonitor(Resolver, Bus, Time, options, fingerprintFile, logger);
            Monitor.Subscribe(track =>
            {
                lock (_changes)
                {
                    _changes.Add(track);
                }
            });
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        public CountingTokens Resolver { get; }

        public AnalysisIntentBus Bus { get; }

        public TrackSourceMonitor Monitor { get; }

        public IReadOnlyList<string> Changes
        {
            get
            {
                lock (_changes)
                {
                    return [.. _changes];
                }
            }
        }

        public void Publish(string element, string trackRef) =>
            Bus.Publish(AnalysisIntent.Create(element, trackRef, "default", ["rms"], Time.GetUtcNow()));

        /// <summary>Advances the clock one second at a time, letting every check that starts finish.</summary>
        public async Task AdvanceAsync(TimeSpan by)
        {
            for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
            {
                Time.Advance(TimeSpan.FromSeconds(1));
                await Monitor.WhenIdleAsync();
            }
        }

        public void Dispose() => Monitor.Dispose();
    }

    private sealed class CountingTokens(ITrackAudioResolver inner) : ITrackAudioResolver
    {
        private int _tokenRequests;

        public int TokenRequests => Volatile.Read(ref _tokenRequests);

        /// <summary>Gets or sets a value indicating whether the file acts as if another process held it locked.</summary>
        public bool Locked { get; set; }

        public IAudioSource Open(string trackRef) => inner.Open(trackRef);

        public string? GetChangeToken(string trackRef)
        {
            Interlocked.Increment(ref _tokenRequests);
            return Locked ? throw new IOException($"The file of '{trackRef}' is locked by another process.") : inner.GetChangeToken(trackRef);
        }

        public string? GetFilePath(string trackRef) => inner.GetFilePath(trackRef);
    }
}
