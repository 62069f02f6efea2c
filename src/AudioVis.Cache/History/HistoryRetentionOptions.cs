namespace AudioVis.Cache.History;

/// <summary>
/// How much history a store keeps. An entry is kept while it is one of the newest <see cref="MaxEntries"/> and younger
/// than <see cref="MaxAge"/>; stores delete the others, oldest first, when they append and when
/// <see cref="IHistoryStore.ApplyRetentionAsync"/> runs. Nothing inside both limits is ever deleted.
/// </summary>
public sealed class HistoryRetentionOptions
{
    /// <summary>The default <see cref="MaxEntries"/> (the spec's proposal).</summary>
    public const int DefaultMaxEntries = 1000;

    /// <summary>The largest <see cref="MaxEntries"/>.</summary>
    public const int MaxMaxEntries = 10_000_000;

    /// <summary>Gets the default <see cref="MaxAge"/>: 30 days (the spec's proposal).</summary>
    public static TimeSpan DefaultMaxAge { get; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the most entries kept (1 to <see cref="MaxMaxEntries"/>).</summary>
    /// <value>The default value is 1000.</value>
    public int MaxEntries { get; set; } = DefaultMaxEntries;

    /// <summary>Gets or sets the oldest an entry may be (1 minute to 100 years).</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>Throws when the options are out of range (for stores constructed without DI).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (MaxEntries is < 1 or > MaxMaxEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, $"HistoryRetentionOptions.MaxEntries must be between 1 and {MaxMaxEntries}.");
        }

        if (MaxAge < TimeSpan.FromMinutes(1) || MaxAge > TimeSpan.FromDays(36500))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "HistoryRetentionOptions.MaxAge must be between 1 minute and 36500 days.");
        }
    }
}
