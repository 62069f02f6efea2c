namespace AudioVis.Cache.Orleans;

/// <summary>Options of distributed regeneration, on silos (<c>AddAudioVisCacheWorker</c>) and clients (<c>UseOrleansRegenerationQueue</c>).</summary>
public sealed class AudioVisCacheOrleansOptions
{
    /// <summary>Gets or sets the wait before the first re-send of a request whose silo failed (doubles up to <see cref="MaxRetryDelay"/>). Default 100 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest wait between re-sends. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how many times in a row a client re-sends a request whose calls fail (silo dead, connection lost, timeout)
    /// before it completes the ticket <see cref="Regeneration.RegenerationStatus.Failed"/> with the last error. Default 30.
    /// </summary>
    public int MaxCallAttempts { get; set; } = 30;

    /// <summary>
    /// Gets or sets how long one wait call for a ticket's outcome lasts on the grain before it answers "still running" and the
    /// client asks again. Default 5 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a client waits for a grain's answer (beyond <see cref="PollInterval"/> for wait calls) before it
    /// treats the call as lost (its silo may have died unnoticed) and sends it again; re-sending is idempotent. Default 10 s.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how often clients renew their status subscription and silos report their gates to the status hub
    /// (this bounds how long events are missed after the hub's silo dies). Default 10 s.
    /// </summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
