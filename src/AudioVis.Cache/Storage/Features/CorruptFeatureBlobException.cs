namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// A stored feature blob failed verification: its bytes are not a valid blob, or belong to another entry.
/// The blob is never returned; regenerate it (a new write replaces it atomically) or delete it.
/// </summary>
public sealed class CorruptFeatureBlobException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="CorruptFeatureBlobException"/> class.</summary>
    /// <param name="location">Where the blob is stored: a file path, or <c>memory:</c> and the entry for in-memory stores.</param>
    /// <param name="reason">What is wrong, as a category.</param>
    /// <param name="detail">What is wrong, naming the offending values.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public CorruptFeatureBlobException(string location, FeatureBlobCorruption reason, string detail, Exception? innerException = null)
        : base($"Feature blob '{location}' is corrupt ({reason}): {detail}", innerException)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(detail);
        Location = location;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>Gets where the blob is stored: a file path, or <c>memory:</c> and the entry for in-memory stores.</summary>
    public string Location { get; }

    /// <summary>Gets what is wrong, as a category.</summary>
    public FeatureBlobCorruption Reason { get; }

    /// <summary>Gets what is wrong, naming the offending values.</summary>
    public string Detail { get; }
}
