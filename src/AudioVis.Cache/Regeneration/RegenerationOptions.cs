using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Regeneration;

/// <summary>Options of the regeneration queue (<c>builder.ConfigureRegeneration(o => …)</c>).</summary>
public sealed class RegenerationOptions
{
    /// <summary>Gets or sets how many {track, profile} keys may run a job at the same time (jobs of one key always run one at a time).</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    [Range(1, RegenerationDefaults.MaxDegreeOfParallelismLimit)]
    public int MaxDegreeOfParallelism { get; set; } = RegenerationDefaults.MaxDegreeOfParallelism;

    /// <summary>Gets or sets a value indicating whether missing and stale descriptors of every published cache diff are enqueued automatically.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AutoRegenerate { get; set; }

    /// <summary>Gets or sets how long <see cref="IAsyncDisposable.DisposeAsync"/> waits for running jobs to observe cancellation before it reports them cancelled and returns.</summary>
    /// <value>The default value is 5 seconds; it must be between 0 and 1 hour.</value>
    public TimeSpan DisposeTimeout { get; set; } = RegenerationDefaults.DisposeTimeout;

    /// <summary>
    /// Gets or sets how long one attempt of a job may run before the queue cancels it; <see langword="null"/> for no limit.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (an analysis of a long track may legitimately take minutes); when set, it must be greater than 0 and at most 1 day.</value>
    /// <remarks>
    /// The attempt's cancellation token fires when the timeout elapses (timed through <see cref="TimeProvider"/>). The attempt then
    /// counts as a failure with a <see cref="TimeoutException"/> that names the job and the timeout, and is retried per <see cref="Retry"/>
    /// like any other failure; each attempt gets the whole timeout. The key is freed when the analyzer observes the cancellation:
    /// the queue never starts a second analysis of a key while the first still runs.
    /// </remarks>
    public TimeSpan? JobTimeout { get; set; }

    /// <summary>Gets or sets the automatic retry policy of failed jobs.</summary>
    /// <value>The default value is a policy with one attempt (no automatic retry).</value>
    [Required]
    [ValidateObjectMembers]
    public RegenerationRetryOptions Retry { get; set; } = new();
}

/// <summary>Automatic retries of failed jobs, with exponential backoff timed through <see cref="TimeProvider"/>.</summary>
/// <remarks>The delay before attempt <c>n + 1</c> is <c>min(BaseDelay × BackoffMultiplier^(n − 1), MaxDelay)</c>.</remarks>
public sealed class RegenerationRetryOptions
{
    /// <summary>Gets or sets how many attempts a job gets before it is reported failed (1 = no automatic retry).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, RegenerationDefaults.MaxAttemptsLimit)]
    public int MaxAttempts { get; set; } = RegenerationDefaults.MaxAttempts;

    /// <summary>Gets or sets the delay before the second attempt.</summary>
    /// <value>The default value is 1 second; it must be between 0 and 1 day.</value>
    public TimeSpan BaseDelay { get; set; } = RegenerationDefaults.BaseDelay;

    /// <summary>Gets or sets the factor each further delay is multiplied by.</summary>
    /// <value>The default value is 2.</value>
    [Range(1.0, 100.0)]
    public double BackoffMultiplier { get; set; } = RegenerationDefaults.BackoffMultiplier;

    /// <summary>Gets or sets the longest delay between attempts; at least <see cref="BaseDelay"/>.</summary>
    /// <value>The default value is 30 seconds; it must be between 0 and 1 day.</value>
    public TimeSpan MaxDelay { get; set; } = RegenerationDefaults.MaxDelay;

    internal TimeSpan GetDelay(int failedAttempts)
    {
        var delay = BaseDelay.TotalMilliseconds * Math.Pow(BackoffMultiplier, failedAttempts - 1);
        return delay >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(delay);
    }
}

/// <summary>The defaults and limits of <see cref="RegenerationOptions"/>, in one place.</summary>
internal static class RegenerationDefaults
{
    public const int MaxDegreeOfParallelismLimit = 1024;
    public const int MaxAttemptsLimit = 100;
    public const int MaxAttempts = 1;
    public const double BackoffMultiplier = 2.0;

    public static readonly int MaxDegreeOfParallelism = Environment.ProcessorCount;
    public static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DisposeTimeoutLimit = TimeSpan.FromHours(1);
    public static readonly TimeSpan DelayLimit = TimeSpan.FromDays(1);
    public static readonly TimeSpan JobTimeoutLimit = TimeSpan.FromDays(1);
}
