using System.Diagnostics;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.SourceIdentity;

/// <summary>
/// Issue #9: how long after a track file is edited a host's render loop gets the diff that reports it stale. A 10-minute
/// 44.1 kHz 16-bit stereo WAV, the default services (file watcher, 100 ms debounce), one element asking for three descriptors,
/// regenerated once so the cache is current. Each iteration overwrites 1 s of audio in place (two different contents in
/// turn, so every iteration is a real change) and runs frames (<c>RunFrameAsync</c>, then <c>await Task.Delay(1)</c>) until a
/// published diff reports the descriptors stale with a <see cref="SourceChanged"/> reason for the new content. Target: ≤ 1 s.
/// Yardstick, in the same run: decoding and hashing the same file once, which the latency contains.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
public class SourceIdentityEditLatencyBenchmarks
{
    private const string Track = "long/ten-minutes.wav";
    private const int Seconds = 600;
    private const int SampleRate = 44_100;
    private const int Channels = 2;
    private const int EditAtSecond = 300;
    private static readonly string[] Descriptors = ["rms", "peak", "spectral.centroid"];
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    private readonly byte[][] _edits = new byte[2][];
    private string _folder = null!;
    private string _path = null!;
    private long _editOffset;
    private ServiceProvider? _services;
    private IDiffScheduler _scheduler = null!;
    private TrackSourceMonitor _monitor = null!;
    private readonly List<(double ToStatus, double ToDiff)> _breakdown = [];
    private string? _lastHash;
    private int _iteration;
    private long _writtenAt;
    private long _statusChangedAt;

    [GlobalSetup(Target = nameof(DecodeAndHash))]
    public void SetupFile()
    {
        _folder = SourceIdentityAudio.NewFolder("latency");
        _path = Path.Combine(_folder, Track);
        _editOffset = SourceIdentityAudio.WriteWav(_path, Seconds, SampleRate, Channels, frequency: 220) + ((long)EditAtSecond * SampleRate * Channels * 2);
        for (var k = 0; k < _edits.Length; k++)
        {
            var bytes = new byte[SampleRate * Channels * 2];
            for (var i = 0; i < bytes.Length / 2; i++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (short)(i * (7 + (4 * k)) % 20_000));
            }

            _edits[k] = bytes;
        }
    }

    [GlobalSetup(Target = nameof(EditToStaleDiff))]
    public void SetupServices()
    {
        SetupFile();
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = _folder;
            o.FeatureCacheRoot = Path.Combine(_folder, ".cache");
        });
        _services = services.BuildServiceProvider();
        _scheduler = _services.GetRequiredService<IDiffScheduler>();
        _monitor = _services.GetRequiredService<TrackSourceMonitor>();
        _services.GetRequiredService<IAnalysisIntentBus>().Publish(AnalysisIntent.Create("meter", Track, AnalysisProfile.DefaultId, Descriptors, DateTimeOffset.UnixEpoch));
        _monitor.WhenIdleAsync().WaitAsync(GiveUpAfter).GetAwaiter().GetResult();
        var missing = _scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult().Single();
        var outcome = _services.GetRequiredService<IRegenerationQueue>().RegenerateAll([missing]).Single().Completion.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"Regeneration failed: {outcome.Status} {outcome.Error}");
        }

        _scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();
        var key = new CacheKey(Track, AnalysisProfile.DefaultId);
        if (!_scheduler.TryGetLatest(key, out var current) || current.Current.Count != Descriptors.Length || current.RequiresRegeneration || current.SourceError is not null)
        {
            throw new InvalidOperationException($"The cache is not current after regeneration: {current}");
        }

        _lastHash = _monitor.GetStatus(Track).ContentHash;

        // Where the latency goes (printed to the log at cleanup): write → the monitor's new status, status → the stale diff.
        _monitor.Subscribe(_ => Volatile.Write(ref _statusChangedAt, Stopwatch.GetTimestamp()));
        var inProcess = new double[3];
        for (var i = 0; i < inProcess.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            SourceIdentityAudio.ContentHash(_path);
            inProcess[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Console.WriteLine($"// decode + hash in the latency process before the run: {string.Join(" / ", inProcess.Select(t => $"{t:F0} ms"))}");
    }

    /// <summary>Lets the previous edit's checks finish (a save can raise several watcher events) and drains their frames.</summary>
    [IterationSetup(Target = nameof(EditToStaleDiff))]
    public void WaitUntilIdle()
    {
        _monitor.WhenIdleAsync().WaitAsync(GiveUpAfter).GetAwaiter().GetResult();
        _scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_breakdown.Count > 0)
        {
            Console.WriteLine($"// write → new source status, ms: {string.Join(" ", _breakdown.Select(b => $"{b.ToStatus:F0}"))} (median {Median(_breakdown.Select(b => b.ToStatus)):F0})");
            Console.WriteLine($"// new status → stale diff, ms: {string.Join(" ", _breakdown.Select(b => $"{b.ToDiff:F1}"))} (median {Median(_breakdown.Select(b => b.ToDiff)):F1})");
        }

        _services?.Dispose();
        SourceIdentityAudio.DeleteFolder(_folder);
    }

    [Benchmark(Baseline = true, Description = "yardstick: decode + hash the 10-minute file once")]
    public async Task<string> DecodeAndHash()
    {
        using var source = AudioSources.Open(_path);
        return await AudioContentHasher.ComputeAsync(source).ConfigureAwait(false);
    }

    [Benchmark(Description = "overwrite 1 s of a 10-minute WAV → frames until the diff reports SourceChanged")]
    public async Task<CacheDiff> EditToStaleDiff()
    {
        var edit = _edits[_iteration++ % _edits.Length];
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Seek(_editOffset, SeekOrigin.Begin);
            file.Write(edit);
        }

        _writtenAt = Stopwatch.GetTimestamp();

        var deadline = Stopwatch.GetTimestamp() + (long)(GiveUpAfter.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var diff in await _scheduler.RunFrameAsync().ConfigureAwait(false))
            {
                if (diff.Stale.Count == Descriptors.Length
                    && diff.StaleDetails[0].Reasons.OfType<SourceChanged>().FirstOrDefault() is { } changed
                    && changed.CurrentSourceHash != _lastHash)
                {
                    _lastHash = changed.CurrentSourceHash;
                    var statusAt = Volatile.Read(ref _statusChangedAt);
                    _breakdown.Add((Stopwatch.GetElapsedTime(_writtenAt, statusAt).TotalMilliseconds, Stopwatch.GetElapsedTime(statusAt).TotalMilliseconds));
                    return diff;
                }
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"No stale diff {GiveUpAfter.TotalSeconds} s after the edit.");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
