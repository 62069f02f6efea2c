using AudioVis.Cache.Analysis;
using AudioVis.Cache.Benchmarks.Diffing;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.SourceIdentity;

/// <summary>
/// Issue #9: one render frame with source identity on. The <see cref="FrameWorkload"/> of the steady-state benchmark (1,000
/// elements, 50 tracks × 3 profiles) over 50 real 1-second WAV files in a temp folder (AudioRoot and FeatureCacheRoot there), the
/// default services (file watcher, 10 s periodic check), records seeded with each file's real content hash. After warm-up the
/// monitor is idle, every track is Known and every group has been diffed with that status. Target: ≤ 20 µs and 0 B per steady
/// frame. Yardstick: the same workload with source identity off, in the same run. A third case marks one track's groups dirty
/// per frame (<see cref="DiffScheduler.InvalidateTrack"/>, what a status change does), so the frame re-diffs that track's 3 groups.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class SourceIdentityFrameBenchmarks
{
    private string _folder = null!;
    private string[] _trackRefs = null!;
    private Dictionary<string, string> _hashes = null!;
    private FrameWorkload _workload = null!;
    private DiffScheduler _scheduler = null!;
    private int _next;

    [GlobalSetup(Targets = [nameof(SteadyFrameOff), nameof(OneTrackChangedOff)])]
    public void SetupOff() => Setup(sourceIdentity: false);

    [GlobalSetup(Targets = [nameof(SteadyFrameOn), nameof(OneTrackChangedOn)])]
    public void SetupOn() => Setup(sourceIdentity: true);

    [GlobalSetup(Target = nameof(SteadyFrameOnWithoutBackground))]
    public void SetupOnWithoutBackground() => Setup(sourceIdentity: true, background: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        _workload.Dispose();
        SourceIdentityAudio.DeleteFolder(_folder);
    }

    [Benchmark(Baseline = true, Description = "source identity off: publish 1,000 unchanged + frame")]
    public int SteadyFrameOff() => SteadyFrame();

    [Benchmark(Description = "source identity on: publish 1,000 unchanged + frame")]
    public int SteadyFrameOn() => SteadyFrame();

    /// <summary>Tells the frame's own cost from the background work's: the same as <see cref="SteadyFrameOn"/> without the file watcher and the periodic check.</summary>
    [Benchmark(Description = "source identity on, no watcher, no periodic check: publish 1,000 unchanged + frame")]
    public int SteadyFrameOnWithoutBackground() => SteadyFrame();

    [Benchmark(Description = "source identity off: 1 track invalidated + publish 1,000 + frame (3 groups re-diffed)")]
    public int OneTrackChangedOff() => OneTrackChanged();

    [Benchmark(Description = "source identity on: 1 track's status changed + publish 1,000 + frame (3 groups re-diffed)")]
    public int OneTrackChangedOn() => OneTrackChanged();

    private int SteadyFrame()
    {
        PublishAll();
        return _workload.Scheduler.RunFrameAsync().Result.Count;
    }

    private void PublishAll()
    {
        var bus = _workload.Bus;
        foreach (AnalysisIntent intent in _workload.IntentsA)
        {
            bus.Publish(intent);
        }
    }

    private int OneTrackChanged()
    {
        _scheduler.InvalidateTrack(_trackRefs[_next++ % _trackRefs.Length]);
        PublishAll();
        var frame = _workload.Scheduler.RunFrameAsync();
        return (frame.IsCompletedSuccessfully ? frame.Result : frame.AsTask().GetAwaiter().GetResult()).Count;
    }

    private void Setup(bool sourceIdentity, bool background = true)
    {
        _folder = SourceIdentityAudio.NewFolder("frame");
        _trackRefs = new string[FrameWorkload.Tracks];
        _hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var t = 0; t < FrameWorkload.Tracks; t++)
        {
            var trackRef = $"tracks/track-{t:D2}.wav";
            var path = Path.Combine(_folder, "tracks", $"track-{t:D2}.wav");
            SourceIdentityAudio.WriteWav(path, seconds: 1, sampleRate: 44_100, channels: 1, frequency: 110 + (10 * t));
            _trackRefs[t] = trackRef;
            _hashes[trackRef] = SourceIdentityAudio.ContentHash(path);
        }

        _workload = new FrameWorkload(
            1000,
            builder =>
            {
                builder.Services.Configure<AudioVisCacheOptions>(o =>
                {
                    o.AudioRoot = _folder;
                    o.FeatureCacheRoot = Path.Combine(_folder, ".cache");
                });
                builder.ConfigureSourceIdentity(o =>
                {
                    o.Enabled = sourceIdentity;
                    o.WatchFiles = background;
                    o.PollInterval = background ? o.PollInterval : Timeout.InfiniteTimeSpan;
                });
            },
            trackRef => _hashes[trackRef]);
        _scheduler = (DiffScheduler)_workload.Scheduler;
        var monitor = _workload.Services.GetRequiredService<TrackSourceMonitor>();

        // Warm-up: the monitor fingerprints and hashes the 50 files in the background; each status it finds re-diffs the track's
        // groups at the next frame. Then every group has been diffed with its track Known (on) or Unknown (off).
        monitor.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        for (var i = 0; i < 3; i++)
        {
            _workload.Scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();
        }

        foreach (var trackRef in _trackRefs)
        {
            var status = monitor.GetStatus(trackRef);
            if (sourceIdentity ? status.ContentHash != _hashes[trackRef] : status != TrackSourceStatus.Unknown)
            {
                throw new InvalidOperationException($"Track {trackRef} is {status} after warm-up (source identity {(sourceIdentity ? "on" : "off")}).");
            }
        }

        foreach (var diff in _workload.Scheduler.GetLatestDiffs())
        {
            if (diff.SourceError is not null || diff.StaleDetails.Any(s => s.Reasons.Any(r => r is SourceChanged)))
            {
                throw new InvalidOperationException($"Unexpected diff after warm-up: {diff}");
            }
        }

        if (SteadyFrame() != 0)
        {
            throw new InvalidOperationException("The steady frame published diffs after warm-up.");
        }
    }
}
