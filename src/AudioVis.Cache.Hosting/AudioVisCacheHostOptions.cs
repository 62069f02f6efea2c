using System.Globalization;

namespace AudioVis.Cache.Hosting;

/// <summary>Options of the AudioVis.Cache hosted service (<c>builder.AddHostedFrameLoop(...)</c>).</summary>
public sealed class AudioVisCacheHostOptions
{
    /// <summary>Gets or sets how often the hosted service runs a diff frame (<c>IDiffScheduler.RunFrameAsync</c>).</summary>
    /// <value>The default value is 100 ms; otherwise between 1 ms and 1 hour.</value>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets a value indicating whether the regeneration queue is started with the host (so auto-regeneration, when
    /// <c>RegenerationOptions.AutoRegenerate</c> is set, runs without anyone resolving the queue).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StartRegenerationQueue { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the hosted service sweeps the feature store's temporary files when it starts
    /// (<c>ICacheMaintenance.SweepTempFilesAsync</c>, before the first frame): those of writers of this machine that crashed
    /// go at once, other machines' on a shared folder once older than <c>AudioVisCacheOptions.TempFileMaxAge</c>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SweepTempFilesAtStart { get; set; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (FrameInterval < TimeSpan.FromMilliseconds(1) || FrameInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(FrameInterval),
                FrameInterval,
                string.Create(CultureInfo.InvariantCulture, $"AudioVisCacheHostOptions.FrameInterval must be between 1 ms and 1 hour; it is {FrameInterval}."));
        }
    }
}
