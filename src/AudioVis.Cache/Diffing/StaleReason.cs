using System.Globalization;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// Why a cached descriptor no longer matches what is requested. A stale descriptor has one or more reasons;
/// match on the derived types (<see cref="ProfileParametersChanged"/>, <see cref="SourceChanged"/>,
/// <see cref="CalculatorChanged"/>, <see cref="RevisionUnknown"/>, <see cref="ProfileDeleted"/>, <see cref="BlobUnusable"/>).
/// </summary>
public abstract record StaleReason
{
    private protected StaleReason()
    {
    }

    /// <summary>Gets a sentence for people, e.g. <c>profile parameter fft_size changed from 2048 to 4096</c>.</summary>
    public abstract string Description { get; }
}

/// <summary>One profile parameter that differs between the cached entry and the current profile.</summary>
/// <param name="Name">The canonical parameter name, e.g. <c>fft_size</c> (see docs/profiles.md).</param>
/// <param name="From">The canonical value the entry was computed with.</param>
/// <param name="To">The canonical value of the current profile.</param>
public sealed record ParameterChange(string Name, string From, string To)
{
    /// <summary>Gets the change in words for people, e.g. <c>FFT size changed from 2048 to 4096</c> (the diagnostics panel's wording).</summary>
    public string Sentence => $"{DisplayName(Name)} changed from {From} to {To}";

    /// <summary>Returns the words for a canonical parameter name, e.g. <c>FFT size</c> for <c>fft_size</c>; an unknown name with spaces for underscores.</summary>
    /// <param name="name">The canonical parameter name.</param>
    /// <returns>The display name.</returns>
    public static string DisplayName(string name) => name switch
    {
        "fft_size" => "FFT size",
        "window_size" => "Window size",
        "hop_size" => "Hop size",
        "window" => "Window function",
        "sample_rate" => "Target sample rate",
        "band_layout" => "Band layout",
        "band_min_hz" => "Lowest band frequency (Hz)",
        "band_max_hz" => "Highest band frequency (Hz)",
        "db_min" => "dB floor",
        "db_max" => "dB ceiling",
        null => throw new ArgumentNullException(nameof(name)),
        "" => name,
        _ => char.ToUpperInvariant(name[0]) + name[1..].Replace('_', ' '),
    };

    /// <summary>Returns <c>name: from → to</c>.</summary>
    /// <returns>The change as text.</returns>
    public override string ToString() => $"{Name}: {From} → {To}";
}

/// <summary>The profile's parameters changed since the entry was computed.</summary>
public sealed record ProfileParametersChanged : StaleReason
{
    /// <summary>Initializes a new instance of the <see cref="ProfileParametersChanged"/> class.</summary>
    /// <param name="changes">The changed parameters, in canonical parameter order; at least one.</param>
    public ProfileParametersChanged(IReadOnlyList<ParameterChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentOutOfRangeException.ThrowIfZero(changes.Count, nameof(changes));
        Changes = changes;
    }

    /// <summary>Gets the changed parameters, in canonical parameter order.</summary>
    public IReadOnlyList<ParameterChange> Changes { get; }

    /// <inheritdoc/>
    public override string Description => "profile parameters changed: " + string.Join(", ", Changes);

    /// <inheritdoc/>
    public bool Equals(ProfileParametersChanged? other) => other is not null && Changes.SequenceEqual(other.Changes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var change in Changes)
        {
            hash.Add(change);
        }

        return hash.ToHashCode();
    }
}

/// <summary>The track's decoded audio changed since the entry was computed.</summary>
/// <param name="CachedSourceHash">The content hash the entry was computed from.</param>
/// <param name="CurrentSourceHash">The track's current content hash.</param>
public sealed record SourceChanged(string CachedSourceHash, string CurrentSourceHash) : StaleReason
{
    /// <inheritdoc/>
    public override string Description => $"source audio changed (content hash {Abbreviate(CachedSourceHash)} → {Abbreviate(CurrentSourceHash)})";

    private static string Abbreviate(string hash) => hash.Length > 12 ? hash[..12] : hash;
}

/// <summary>The calculator that produces the descriptor changed (id or version) since the entry was computed.</summary>
/// <param name="CachedCalculatorId">The calculator id the entry was computed with.</param>
/// <param name="CachedVersion">The calculator version the entry was computed with.</param>
/// <param name="CurrentCalculatorId">The calculator id the catalogue names now.</param>
/// <param name="CurrentVersion">The calculator version the catalogue names now.</param>
public sealed record CalculatorChanged(string CachedCalculatorId, int CachedVersion, string CurrentCalculatorId, int CurrentVersion) : StaleReason
{
    /// <inheritdoc/>
    public override string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"calculator changed ({CachedCalculatorId} v{CachedVersion} → {CurrentCalculatorId} v{CurrentVersion})");
}

/// <summary>
/// The entry's profile revision differs from the current one, but the entry does not say which parameters it
/// was computed with (or they encode identically under a newer canonical format).
/// </summary>
/// <param name="CachedRevision">The revision hash the entry was computed with.</param>
/// <param name="CurrentRevision">The profile's current revision hash.</param>
public sealed record RevisionUnknown(ProfileRevisionHash CachedRevision, ProfileRevisionHash CurrentRevision) : StaleReason
{
    /// <inheritdoc/>
    public override string Description => $"profile revision {CachedRevision.Short} is not the current {CurrentRevision.Short} and its parameters are unknown";
}

/// <summary>The entry's profile was deleted; the host should offer a replacement profile before regenerating.</summary>
/// <param name="ProfileId">The deleted profile's id.</param>
public sealed record ProfileDeleted(string ProfileId) : StaleReason
{
    /// <inheritdoc/>
    public override string Description => $"analysis profile '{ProfileId}' was deleted";
}

/// <summary>
/// The entry's record is fine but its feature blob cannot be used: it is corrupt, or it is gone. Found cheaply: when a read
/// through the registered <see cref="IFeatureStore"/> fails verification or finds no blob, and by
/// <see cref="Storage.ICacheMaintenance.VerifyBlobsAsync"/>. A successful write of the blob (a regeneration) clears it.
/// </summary>
/// <param name="Corruption">What verification found; <see langword="null"/> when the blob is missing.</param>
/// <param name="Location">Where the blob is (or was) stored: a file path, or <c>memory:</c> and the entry. Not part of <see cref="Description"/>.</param>
public sealed record BlobUnusable(FeatureBlobCorruption? Corruption, string Location) : StaleReason
{
    /// <summary>Gets a value indicating whether the blob is missing rather than corrupt.</summary>
    public bool IsMissing => Corruption is null;

    /// <inheritdoc/>
    public override string Description => Corruption is { } corruption ? $"cached values are corrupt ({corruption})" : "cached values are missing";
}
