using System.Globalization;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Options of the track source monitor (<see cref="ITrackSourceMonitor"/>), which notices edited, replaced, missing and unreadable
/// track files without host calls. Set with <c>builder.ConfigureSourceIdentity(...)</c>; validated at start-up.
/// </summary>
public sealed class SourceIdentityOptions
{
    /// <summary>Gets or sets a value indicating whether the monitor runs. When off, source changes and unreadable tracks are not reported.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether track files are watched (a <see cref="FileSystemWatcher"/> per folder), so an edit is noticed at once.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchFiles { get; set; } = true;

    /// <summary>
    /// Gets or sets how often every watched track's fingerprint is checked, for edits a watcher misses (network shares, a full
    /// event buffer); <see cref="Timeout.InfiniteTimeSpan"/> turns the periodic check off.
    /// </summary>
    /// <value>The default value is 10 seconds; otherwise between 100 ms and 1 day.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long after a file event the track is checked, so the events of one save are coalesced into one check.</summary>
    /// <value>The default value is 100 ms; otherwise between 0 and 10 seconds.</value>
    public TimeSpan ChangeDebounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets the first delay before a track that failed to decode is decoded again after it changed (or, for I/O errors
    /// and denied access, retried as it is); each further failure doubles it, up to <see cref="MaxRetryDelay"/>.
    /// </summary>
    /// <value>The default value is 1 second; otherwise between 0 and <see cref="MaxRetryDelay"/>.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two attempts to decode a track that keeps failing.</summary>
    /// <value>The default value is 5 minutes; otherwise at most 1 day.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many tracks are decoded (hashed) at once in the background.</summary>
    /// <value>The default value is half the processor count, at least 1; otherwise between 1 and 64.</value>
    public int MaxConcurrentHashes { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (PollInterval != Timeout.InfiniteTimeSpan && (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromDays(1)))
        {
            throw Invalid(nameof(PollInterval), PollInterval, "between 100 ms and 1 day, or Timeout.InfiniteTimeSpan");
        }

        if (ChangeDebounce < TimeSpan.Zero || ChangeDebounce > TimeSpan.FromSeconds(10))
        {
            throw Invalid(nameof(ChangeDebounce), ChangeDebounce, "between 0 and 10 seconds");
        }

        if (MaxRetryDelay < TimeSpan.Zero || MaxRetryDelay > TimeSpan.FromDays(1))
        {
            throw Invalid(nameof(MaxRetryDelay), MaxRetryDelay, "between 0 and 1 day");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > MaxRetryDelay)
        {
            throw Invalid(nameof(RetryDelay), RetryDelay, $"between 0 and MaxRetryDelay ({MaxRetryDelay})");
        }

        if (MaxConcurrentHashes is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentHashes), MaxConcurrentHashes, $"SourceIdentityOptions.MaxConcurrentHashes must be between 1 and 64; it is {MaxConcurrentHashes}.");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string name, TimeSpan value, string range) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"SourceIdentityOptions.{name} must be {range}; it is {value}."));
}
