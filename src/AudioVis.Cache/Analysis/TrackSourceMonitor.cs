using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The default <see cref="ITrackSourceMonitor"/> and <see cref="ITrackSourceHashProvider"/>: see the interface for the rules.
/// </summary>
/// <remarks>
/// <para>One check of a track runs at a time (<see cref="TrackWatch.Running"/>); checks asked for meanwhile are coalesced into one
/// more run. A check fingerprints the track (<see cref="ITrackAudioResolver.GetChangeToken"/>), and only when the fingerprint is
/// new (not the one its status was found for, not the one whose decode failed, not one remembered by
/// <see cref="SourceFingerprintCache"/>) decodes it, at most <see cref="SourceIdentityOptions.MaxConcurrentHashes"/> at once.</para>
/// <para>The differ reads <see cref="GetStatus"/>, a dictionary lookup under a lock: no I/O, no allocation.</para>
/// </remarks>
internal sealed class TrackSourceMonitor : ITrackSourceMonitor, ITrackSourceHashProvider, ITrackDurations, IDisposable
{
    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackWatch> _tracks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DirectoryWatch> _directories = new(PathComparer);
    private readonly ITrackAudioResolver _resolver;
    private readonly TimeProvider _time;
    private readonly SourceIdentityOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _hashSlots;
    private readonly SubscriberList<string> _changed;
    private readonly SourceFingerprintCache _fingerprints;
    private readonly IDisposable? _intentSubscription;
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(1);
    private readonly ITimer? _pollTimer;
    private ITimer? _orphanSweep;
    private int _pending;
    private int _decodeCount;
    private TaskCompletionSource? _idle;
    private bool _disposed;

    public TrackSourceMonitor(
        ITrackAudioResolver resolver,
        IAnalysisIntentBus bus,
        TimeProvider time,
        SourceIdentityOptions options,
        string? fingerprintFile,
        ILogger<TrackSourceMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _resolver = resolver;
        _time = time;
        _options = options;
        _logger = logger;
        _hashSlots = new SemaphoreSlim(options.MaxConcurrentHashes, options.MaxConcurrentHashes);
        _changed = new SubscriberList<string>(logger, nameof(ITrackSourceMonitor));
        _fingerprints = new SourceFingerprintCache(fingerprintFile, time, logger);
        if (!options.Enabled)
        {
            return;
        }

        // Subscribe first, then load what the bus already holds: element sets make a change racing the load harmless.
        _intentSubscription = bus.Subscribe(OnIntentChanged);
        foreach (var intent in bus.GetIntents())
        {
            OnIntentChanged(new AnalysisIntentChange(AnalysisIntentChangeKind.Published, intent.ElementId, null, intent));
        }

        if (options.PollInterval != Timeout.InfiniteTimeSpan)
        {
            _pollTimer = time.CreateTimer(static state => ((TrackSourceMonitor)state!).Poll(), this, options.PollInterval, options.PollInterval);
        }
    }

    /// <summary>Gets how many times a track was decoded to hash it (for tests and benchmarks).</summary>
    internal int DecodeCount => Volatile.Read(ref _decodeCount);

    /// <summary>Gets the tracks being watched (for tests).</summary>
    internal IReadOnlyCollection<string> WatchedTracks
    {
        get
        {
            lock (_gate)
            {
                return [.. _tracks.Keys];
            }
        }
    }

    /// <summary>Gets the folders with a file watcher (for tests).</summary>
    internal int WatchedDirectoryCount
    {
        get
        {
            lock (_gate)
            {
                return _directories.Count;
            }
        }
    }

    /// <inheritdoc/>
    public TrackSourceStatus GetStatus(string trackRef)
    {
        ArgumentNullException.ThrowIfNull(trackRef);
        lock (_gate)
        {
            return _tracks.TryGetValue(trackRef, out var track) ? track.Status : TrackSourceStatus.Unknown;
        }
    }

    /// <inheritdoc/>
    public bool TryGetDuration(string trackRef, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(trackRef);
        lock (_gate)
        {
            if (_tracks.TryGetValue(trackRef, out var track) && track.DurationSeconds is { } seconds)
            {
                duration = TimeSpan.FromSeconds(seconds);
                return true;
            }
        }

        duration = default;
        return false;
    }

    /// <inheritdoc/>
    public ValueTask<TrackSourceStatus> GetSourceStatusAsync(string trackRef, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<TrackSourceStatus>(GetStatus(trackRef));
    }

    /// <inheritdoc/>
    public void NotifyChanged(string trackRef)
    {
        ArgumentNullException.ThrowIfNull(trackRef);
        lock (_gate)
        {
            if (_tracks.TryGetValue(trackRef, out var track))
            {
                ScheduleLocked(track, _options.ChangeDebounce, counted: true, forced: true);
            }
        }
    }

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_pending == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Registers a handler called with a track reference whenever that track's status changes (the diff scheduler re-diffs it).</summary>
    public IDisposable Subscribe(Action<string> handler) => _changed.Subscribe(handler);

    public void Dispose()
    {
        TrackWatch[] tracks;
        DirectoryWatch[] directories;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            tracks = [.. _tracks.Values];
            directories = [.. _directories.Values];
            _tracks.Clear();
            _directories.Clear();
            _idle?.TrySetResult();
            _idle = null;
            _pending = 0;
        }

        _intentSubscription?.Dispose();
        _pollTimer?.Dispose();
        lock (_gate)
        {
            _orphanSweep?.Dispose();
            _orphanSweep = null;
        }

        foreach (var directory in directories)
        {
            directory.Watcher.Dispose();
        }

        foreach (var track in tracks)
        {
            track.StopLocked();
        }

        _fingerprints.Dispose();
    }

    private void OnIntentChanged(AnalysisIntentChange change)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A re-publish on the same track must not empty its element set, even for a moment.
            if (change.Previous is { } previous && (change.Current is null || !string.Equals(previous.TrackRef, change.Current.TrackRef, StringComparison.Ordinal))
                && _tracks.TryGetValue(previous.TrackRef, out var old) && old.Elements.Remove(previous.ElementId) && old.Elements.Count == 0)
            {
                // A host reloading its scene retracts every element and publishes them again: the watch (and the track's
                // known status) outlives an empty element set for up to OrphanGrace, so the reload re-checks nothing.
                _orphanSweep ??= _time.CreateTimer(static state => ((TrackSourceMonitor)state!).SweepOrphans(), this, OrphanGrace, Timeout.InfiniteTimeSpan);
            }

            if (change.Current is { } current)
            {
                if (_tracks.TryGetValue(current.TrackRef, out var track))
                {
                    track.Elements.Add(current.ElementId);
                }
                else
                {
                    WatchLocked(current.TrackRef, current.ElementId);
                }
            }
        }
    }

    /// <summary>Starts watching a track: cheap, because it runs on the publisher's (render) thread; the first check, on a pool thread, finds its file and watches it.</summary>
    private void WatchLocked(string trackRef, string elementId)
    {
        var track = new TrackWatch(trackRef);
        track.Elements.Add(elementId);
        _tracks.Add(trackRef, track);
        ScheduleLocked(track, TimeSpan.Zero, counted: true, forced: false);
    }

    /// <summary>Unwatches the tracks no element asked for again since they lost their last one.</summary>
    private void SweepOrphans()
    {
        lock (_gate)
        {
            _orphanSweep?.Dispose();
            _orphanSweep = null;
            if (_disposed)
            {
                return;
            }

            foreach (var track in _tracks.Values.Where(t => t.Elements.Count == 0).ToArray())
            {
                UnwatchLocked(track);
            }
        }
    }

    /// <summary>On the first check of a track: finds its file and, if files are watched, adds it to its folder's watcher.</summary>
    private void SetUpFileWatch(TrackWatch track)
    {
        track.SetUp = true;
        string? path;
        try
        {
            path = _resolver.GetFilePath(track.TrackRef);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return; // the check reports the error (a reference outside the audio root, say)
        }

        lock (_gate)
        {
            if (_disposed || !_tracks.TryGetValue(track.TrackRef, out var current) || !ReferenceEquals(current, track))
            {
                return;
            }

            track.Path = path;
            if (path is not null && _options.WatchFiles)
            {
                WatchFileLocked(track);
            }
        }
    }

    private void UnwatchLocked(TrackWatch track)
    {
        _tracks.Remove(track.TrackRef);
        if (track.PendingCounted)
        {
            track.PendingCounted = false;
            DecrementPendingLocked();
        }

        track.StopLocked();
        if (track.Path is { } path && Path.GetDirectoryName(path) is { } folder && _directories.TryGetValue(folder, out var directory))
        {
            var name = Path.GetFileName(path);
            if (directory.Files.TryGetValue(name, out var watchers) && watchers.Remove(track) && watchers.Count == 0)
            {
                directory.Files.Remove(name);
            }

            if (directory.Files.Count == 0)
            {
                // Disposed on a pool thread: the retraction may come from the render thread.
                _directories.Remove(folder);
                ThreadPool.QueueUserWorkItem(static watcher => watcher.Dispose(), directory.Watcher, preferLocal: false);
            }
        }

        Log.SourceUnwatched(_logger, track.TrackRef);
    }

    private void WatchFileLocked(TrackWatch track)
    {
        var folder = Path.GetDirectoryName(track.Path);
        if (folder is null)
        {
            return;
        }

        if (!_directories.TryGetValue(folder, out var directory))
        {
            FileSystemWatcher watcher;
            try
            {
                watcher = new FileSystemWatcher(folder)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
            }
            catch (Exception e) when (e is ArgumentException or IOException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                // A folder that does not exist (yet) or cannot be watched: the periodic check covers its tracks.
                Log.SourceWatchUnavailable(_logger, folder, e.Message);
                return;
            }

            directory = new DirectoryWatch(watcher);
            watcher.Changed += (_, e) => OnFileEvent(folder, e.Name);
            watcher.Created += (_, e) => OnFileEvent(folder, e.Name);
            watcher.Deleted += (_, e) => OnFileEvent(folder, e.Name);
            watcher.Renamed += (_, e) =>
            {
                OnFileEvent(folder, e.OldName);
                OnFileEvent(folder, e.Name);
            };
            watcher.Error += (_, _) => OnFileEvent(folder, null);
            _directories.Add(folder, directory);
            try
            {
                watcher.EnableRaisingEvents = true;
            }
            catch (Exception e) when (e is ArgumentException or IOException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                Log.SourceWatchUnavailable(_logger, folder, e.Message);
            }
        }

        var name = Path.GetFileName(track.Path)!;
        if (!directory.Files.TryGetValue(name, out var tracks))
        {
            directory.Files.Add(name, tracks = []);
        }

        tracks.Add(track);
    }

    /// <summary>A file event in a watched folder: checks the tracks of that file (every track of the folder when <paramref name="name"/> is null: the watcher lost events).</summary>
    private void OnFileEvent(string folder, string? name)
    {
        lock (_gate)
        {
            if (!_directories.TryGetValue(folder, out var directory))
            {
                return;
            }

            if (name is null)
            {
                foreach (var tracks in directory.Files.Values)
                {
                    foreach (var track in tracks)
                    {
                        ScheduleLocked(track, _options.ChangeDebounce, counted: true, forced: false);
                    }
                }
            }
            else if (directory.Files.TryGetValue(Path.GetFileName(name), out var tracks))
            {
                foreach (var track in tracks)
                {
                    ScheduleLocked(track, _options.ChangeDebounce, counted: true, forced: false);
                }
            }
        }
    }

    private void Poll()
    {
        lock (_gate)
        {
            foreach (var track in _tracks.Values)
            {
                ScheduleLocked(track, TimeSpan.Zero, counted: true, forced: false);
            }
        }
    }

    /// <summary>
    /// Asks for a check of <paramref name="track"/> after <paramref name="delay"/>, coalesced with any check already due or running;
    /// <paramref name="counted"/>: <see cref="WhenIdleAsync"/> waits for it; <paramref name="forced"/>: decode even if the fingerprint is unchanged.
    /// </summary>
    private void ScheduleLocked(TrackWatch track, TimeSpan delay, bool counted, bool forced)
    {
        // A track without elements waits to be unwatched (or asked for again): nothing checks it meanwhile.
        if (_disposed || track.Stop.IsCancellationRequested || track.Elements.Count == 0)
        {
            return;
        }

        track.Forced |= forced;
        if (counted && !track.PendingCounted)
        {
            track.PendingCounted = true;
            _pending++;
        }

        if (track.Running)
        {
            track.RunAgain = true;
        }
        else if (delay <= TimeSpan.Zero)
        {
            track.DueTimer?.Dispose();
            track.DueTimer = null;
            StartLocked(track);
        }
        else
        {
            ArmLocked(track, delay);
        }
    }

    /// <summary>
    /// Schedules a check of <paramref name="track"/> after <paramref name="delay"/>, unless one is already due; a delay that has
    /// already passed (the clock moved on since it was computed) checks at once.
    /// </summary>
    private void ArmLocked(TrackWatch track, TimeSpan delay) =>
        track.DueTimer ??= _time.CreateTimer(
            static state =>
            {
                var (monitor, due) = ((TrackSourceMonitor, TrackWatch))state!;
                monitor.OnDue(due);
            },
            (this, track),
            delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
            Timeout.InfiniteTimeSpan);

    private void OnDue(TrackWatch track)
    {
        lock (_gate)
        {
            track.DueTimer?.Dispose();
            track.DueTimer = null;
            if (_disposed || track.Stop.IsCancellationRequested)
            {
                return;
            }

            // A due check counts as pending once it runs (a debounced file event was counted when it arrived; a retry now).
            if (!track.PendingCounted)
            {
                track.PendingCounted = true;
                _pending++;
            }

            if (track.Running)
            {
                track.RunAgain = true;
            }
            else
            {
                StartLocked(track);
            }
        }
    }

    private void StartLocked(TrackWatch track)
    {
        track.Running = true;
        var forced = track.Forced;
        track.Forced = false;
        _ = Task.Run(() => RunAsync(track, forced));
    }

    private async Task RunAsync(TrackWatch track, bool forced)
    {
        CheckOutcome? outcome = null;
        var stop = track.Stop.Token;
        try
        {
            await _hashSlots.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                if (!track.SetUp)
                {
                    SetUpFileWatch(track);
                }

                outcome = Evaluate(track, forced, stop);
            }
            finally
            {
                _hashSlots.Release();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Unwatched or disposed: the result is not wanted.
        }
        catch (ObjectDisposedException) when (stop.IsCancellationRequested)
        {
            // Disposed while waiting for a slot.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.SourceCheckFailed(_logger, track.TrackRef, e);
        }

        Finish(track, outcome);
    }

    /// <summary>Fingerprints the track and, only when the fingerprint is new, decodes it; runs on a pool thread, one at a time per track.</summary>
    /// <returns>What to apply, or <see langword="null"/> when nothing changed.</returns>
    private CheckOutcome? Evaluate(TrackWatch track, bool forced, CancellationToken stop)
    {
        // A periodic check of an unchanged file costs one stat: the fingerprint (which reads sampled blocks) is computed only when
        // the length or the write time moved since the last one.
        (long Length, long Ticks)? stat = null;
        if (track.Path is { } file)
        {
            var info = new FileInfo(file);
            stat = info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : null;
            if (!forced && stat is not null && stat == track.Stat && !track.Status.Equals(TrackSourceStatus.Unknown))
            {
                return null;
            }
        }

        track.Stat = stat;
        string? token;
        try
        {
            token = _resolver.GetChangeToken(track.TrackRef);
            if (token is null && track.Path is { } path && !File.Exists(path))
            {
                var missing = new FileNotFoundException($"The audio file '{path}' of track '{track.TrackRef}' does not exist.", path);
                return new CheckOutcome(TrackSourceStatus.Unreadable(TrackSourceError.From(track.TrackRef, missing)), MissingToken, DecodeFailed: false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckOutcome(TrackSourceStatus.Unreadable(TrackSourceError.From(track.TrackRef, e)), null, DecodeFailed: false);
        }

        if (!forced)
        {
            if (token is null || (token == track.Token && !track.Status.Equals(TrackSourceStatus.Unknown)) || token == track.FailedToken)
            {
                // No way to tell (no token), nothing changed, or the file whose decode failed has not changed: no decoding.
                return null;
            }

            if (_fingerprints.TryGet(track.TrackRef, token, out var remembered, out var rememberedSeconds))
            {
                return new CheckOutcome(TrackSourceStatus.Known(remembered), token, DecodeFailed: false, rememberedSeconds);
            }
        }

        if (track.RetryAt > _time.GetUtcNow())
        {
            track.Stat = null; // not decoded: the retry must not take the file for one it has seen
            return CheckOutcome.RetryLater;
        }

        try
        {
            string hash;
            double seconds;
            using (var source = _resolver.Open(track.TrackRef))
            {
                // ComputeAsync decodes synchronously on this (pool) thread.
                hash = AudioContentHasher.ComputeAsync(source, stop).AsTask().GetAwaiter().GetResult();
                seconds = source.FrameCount / (double)source.SampleRate;
            }

            Interlocked.Increment(ref _decodeCount);
            string? after;
            try
            {
                after = _resolver.GetChangeToken(track.TrackRef);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                after = null;
            }

            if (after != token)
            {
                track.Stat = null;
                return CheckOutcome.Again; // written while it was being hashed: hash the new content
            }

            return new CheckOutcome(TrackSourceStatus.Known(hash), token, DecodeFailed: false, seconds);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _decodeCount);
            return new CheckOutcome(TrackSourceStatus.Unreadable(TrackSourceError.From(track.TrackRef, e)), token, DecodeFailed: true);
        }
    }

    private void Finish(TrackWatch track, CheckOutcome? outcome)
    {
        var changed = false;
        TrackSourceStatus before = default, after = default;
        lock (_gate)
        {
            track.Running = false;
            if (_disposed || !_tracks.TryGetValue(track.TrackRef, out var current) || !ReferenceEquals(current, track))
            {
                return;
            }

            if (ReferenceEquals(outcome, CheckOutcome.Again))
            {
                track.RunAgain = true;
            }
            else if (ReferenceEquals(outcome, CheckOutcome.RetryLater))
            {
                ArmLocked(track, track.RetryAt - _time.GetUtcNow());
            }
            else if (outcome is not null)
            {
                var status = outcome.Status;
                var transient = status.Error?.Problem is TrackSourceProblem.IOError or TrackSourceProblem.AccessDenied;
                if (status.IsKnown)
                {
                    track.Failures = 0;
                    track.FailedToken = null;
                    track.RetryAt = DateTimeOffset.MinValue;
                    track.DurationSeconds = outcome.DurationSeconds ?? track.DurationSeconds;
                    if (outcome.Token is { } token)
                    {
                        _fingerprints.Set(track.TrackRef, token, status.ContentHash!, track.DurationSeconds);
                    }
                }
                else if (outcome.DecodeFailed || transient)
                {
                    track.Failures++;
                    track.FailedToken = outcome.DecodeFailed ? outcome.Token : null;
                    track.RetryAt = _time.GetUtcNow() + RetryDelay(track.Failures);
                }

                if (transient)
                {
                    // A locked or unreachable file is retried as it is (with back-off), not only when it changes.
                    track.FailedToken = null;
                    track.Stat = null;
                    ArmLocked(track, track.RetryAt - _time.GetUtcNow());
                }

                track.Token = outcome.Token;
                before = track.Status;
                changed = !before.Equals(status);
                track.Status = after = status;
            }

            if (track.RunAgain)
            {
                track.RunAgain = false;
                StartLocked(track);
            }
            else if (track.PendingCounted && !changed)
            {
                track.PendingCounted = false;
                DecrementPendingLocked();
            }
        }

        if (changed)
        {
            // Published before the check stops counting as pending, so WhenIdleAsync returns after the scheduler knows.
            LogChange(track.TrackRef, before, after);
            _changed.Raise(track.TrackRef);
            lock (_gate)
            {
                if (!track.Running && track.PendingCounted)
                {
                    track.PendingCounted = false;
                    DecrementPendingLocked();
                }
            }
        }
    }

    private void LogChange(string trackRef, TrackSourceStatus before, TrackSourceStatus after)
    {
        if (after.Error is { } error)
        {
            Log.SourceUnreadable(_logger, trackRef, error.Problem, error.Message);
        }
        else if (after.IsKnown && before.IsUnreadable)
        {
            Log.SourceReadableAgain(_logger, trackRef);
        }
        else if (after.IsKnown && before.IsKnown)
        {
            Log.SourceChanged(_logger, trackRef, before.ContentHash!, after.ContentHash!);
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var ticks = _options.RetryDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return ticks >= _options.MaxRetryDelay.Ticks ? _options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private void DecrementPendingLocked()
    {
        if (--_pending == 0)
        {
            _idle?.TrySetResult();
            _idle = null;
        }
    }

    /// <summary>The token stored for a file that does not exist, so it is not reported again until it exists.</summary>
    private const string MissingToken = "\0missing";

    /// <summary>The result of one check; the two singletons ask for another run now or at <see cref="TrackWatch.RetryAt"/>.</summary>
    private sealed record CheckOutcome(TrackSourceStatus Status, string? Token, bool DecodeFailed, double? DurationSeconds = null)
    {
        public static readonly CheckOutcome Again = new(TrackSourceStatus.Unknown, null, false);

        public static readonly CheckOutcome RetryLater = new(TrackSourceStatus.Unknown, null, false);
    }

    /// <summary>One watched track. Fields are guarded by the monitor's lock, except that a running check reads them.</summary>
    private sealed class TrackWatch(string trackRef)
    {
        public string TrackRef { get; } = trackRef;

        public HashSet<string> Elements { get; } = new(StringComparer.Ordinal);

        public CancellationTokenSource Stop { get; } = new();

        public string? Path { get; set; }

        /// <summary>Gets or sets a value indicating whether the first check found the file and watched it; only the running check uses it.</summary>
        public bool SetUp { get; set; }

        public TrackSourceStatus Status { get; set; }

        /// <summary>Gets or sets the fingerprint <see cref="Status"/> was found for.</summary>
        public string? Token { get; set; }

        /// <summary>Gets or sets the fingerprint whose decode failed: not decoded again until the fingerprint changes.</summary>
        public string? FailedToken { get; set; }

        public int Failures { get; set; }

        /// <summary>Gets or sets the length of the track's audio in seconds, learnt when it was hashed.</summary>
        public double? DurationSeconds { get; set; }

        /// <summary>Gets or sets the file's length and write time when its fingerprint was last computed; only the running check uses it.</summary>
        public (long Length, long Ticks)? Stat { get; set; }

        public DateTimeOffset RetryAt { get; set; } = DateTimeOffset.MinValue;

        public ITimer? DueTimer { get; set; }

        public bool Running { get; set; }

        public bool RunAgain { get; set; }

        public bool Forced { get; set; }

        public bool PendingCounted { get; set; }

        public void StopLocked()
        {
            DueTimer?.Dispose();
            DueTimer = null;
            Stop.Cancel();
        }
    }

    /// <summary>One folder's watcher and the watched tracks of each file name in it.</summary>
    private sealed class DirectoryWatch(FileSystemWatcher watcher)
    {
        public FileSystemWatcher Watcher { get; } = watcher;

        public Dictionary<string, List<TrackWatch>> Files { get; } = new(PathComparer);
    }
}
