using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Storage;

/// <summary>A corrupt feature blob found by a metadata rebuild, and where it was moved.</summary>
public sealed class QuarantinedFeatureBlob
{
    /// <summary>Initializes a new instance of the <see cref="QuarantinedFeatureBlob"/> class.</summary>
    /// <param name="corruption">What verification found; names the blob's location, the reason and the offending values.</param>
    /// <param name="movedTo">Where the blob was moved, or <see langword="null"/> when it was not moved (gone, or rewritten since the scan).</param>
    /// <exception cref="ArgumentNullException"><paramref name="corruption"/> is <see langword="null"/>.</exception>
    public QuarantinedFeatureBlob(CorruptFeatureBlobException corruption, string? movedTo)
    {
        ArgumentNullException.ThrowIfNull(corruption);
        Corruption = corruption;
        MovedTo = movedTo;
    }

    /// <summary>Gets where the blob was stored: a file path, or <c>memory:</c> and the entry for in-memory stores.</summary>
    public string Location => Corruption.Location;

    /// <summary>Gets what is wrong, as a category.</summary>
    public FeatureBlobCorruption Reason => Corruption.Reason;

    /// <summary>Gets what verification found, naming the offending values.</summary>
    public CorruptFeatureBlobException Corruption { get; }

    /// <summary>Gets where the blob was moved (under <c>&lt;root&gt;/quarantine/</c> for the file store), or <see langword="null"/> when it was not moved because it was gone or had been rewritten since the scan.</summary>
    public string? MovedTo { get; }

    /// <summary>Returns the location, the reason and where the blob went.</summary>
    /// <returns>The entry as text.</returns>
    public override string ToString() => $"{Location} ({Reason}) → {MovedTo ?? "not moved"}";
}
