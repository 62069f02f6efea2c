using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// How the cache of one {track, analysis profile} compares with what the elements request: which descriptors are
/// current, missing, stale (and why), extraneous, unknown to the catalogue, or unavailable because the track cannot be read,
/// and which missing or stale ones failed to regenerate.
/// </summary>
/// <remarks>
/// <para>Invariants: <see cref="Missing"/>, <see cref="Stale"/>, <see cref="Current"/>, <see cref="Unknown"/> and
/// <see cref="Unavailable"/> are disjoint and their union is <see cref="DescriptorsRequested"/>; <see cref="Unavailable"/> is empty
/// unless <see cref="SourceError"/> is set, and then holds every requested descriptor the catalogue knows; <see cref="Extraneous"/> is
/// <see cref="DescriptorsCached"/> minus <see cref="DescriptorsRequested"/>; the descriptors of <see cref="Failed"/> are a subset
/// of <see cref="Missing"/> and <see cref="Stale"/>.</para>
/// <para>Every list is in canonical order (ordinal by descriptor id; owners by element id), so equal inputs give
/// equal diffs, and two diffs compare equal (<see cref="Equals(CacheDiff)"/>) when every list is equal.</para>
/// </remarks>
public sealed class CacheDiff : IEquatable<CacheDiff>
{
    internal CacheDiff(
        CacheKey key,
        ProfileRevisionHash? profileRevisionHash,
        DescriptorId[] requested,
        DescriptorId[] cached,
        DescriptorId[] missing,
        StaleDescriptor[] staleDetails,
        DescriptorId[] extraneous,
        DescriptorId[] current,
        DescriptorId[] unknown,
        DescriptorOwners[] owners,
        FailedDescriptor[]? failed = null,
        DescriptorId[]? unavailable = null,
        TrackSourceError? sourceError = null)
    {
        Key = key;
        ProfileRevisionHash = profileRevisionHash;
        DescriptorsRequested = requested;
        DescriptorsCached = cached;
        Missing = missing;
        StaleDetails = staleDetails;
        Stale = Array.ConvertAll(staleDetails, s => s.Descriptor);
        Extraneous = extraneous;
        Current = current;
        Unknown = unknown;
        Owners = owners;
        Failed = failed ?? [];
        Unavailable = unavailable ?? [];
        SourceError = sourceError;
    }

    /// <summary>Gets the {track, profile} this diff is about.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the host's reference to the track.</summary>
    public string TrackRef => Key.TrackRef;

    /// <summary>Gets the analysis profile id.</summary>
    public string AnalysisProfileId => Key.AnalysisProfileId;

    /// <summary>Gets the profile's current revision hash; <see langword="null"/> when the profile was deleted.</summary>
    public ProfileRevisionHash? ProfileRevisionHash { get; }

    /// <summary>Gets a value indicating whether the profile was deleted: the host should ask for a replacement profile before regenerating.</summary>
    public bool IsProfileDeleted => ProfileRevisionHash is null;

    /// <summary>Gets every requested descriptor (union over the group's elements).</summary>
    public IReadOnlyList<DescriptorId> DescriptorsRequested { get; }

    /// <summary>Gets every descriptor the cache metadata store holds for the key.</summary>
    public IReadOnlyList<DescriptorId> DescriptorsCached { get; }

    /// <summary>Gets requested descriptors the catalogue knows but the cache does not hold.</summary>
    public IReadOnlyList<DescriptorId> Missing { get; }

    /// <summary>Gets requested descriptors whose cached entry no longer matches (see <see cref="StaleDetails"/> for why).</summary>
    public IReadOnlyList<DescriptorId> Stale { get; }

    /// <summary>Gets every stale descriptor with its reasons, in the order of <see cref="Stale"/>.</summary>
    public IReadOnlyList<StaleDescriptor> StaleDetails { get; }

    /// <summary>Gets cached descriptors that no element requests.</summary>
    public IReadOnlyList<DescriptorId> Extraneous { get; }

    /// <summary>Gets requested descriptors whose cached entry is current.</summary>
    public IReadOnlyList<DescriptorId> Current { get; }

    /// <summary>Gets requested descriptors the catalogue does not know (bad requests: they are reported, never computed).</summary>
    public IReadOnlyList<DescriptorId> Unknown { get; }

    /// <summary>Gets, for every requested descriptor, the elements that request it.</summary>
    public IReadOnlyList<DescriptorOwners> Owners { get; }

    /// <summary>
    /// Gets the missing or stale descriptors whose last regeneration failed against the inputs they still have (same profile
    /// revision, calculator and source), with the error and the attempt count, in canonical order. Each is also in
    /// <see cref="Missing"/> or <see cref="Stale"/>.
    /// </summary>
    public IReadOnlyList<FailedDescriptor> Failed { get; }

    /// <summary>
    /// Gets the requested descriptors that cannot be computed because the track cannot be read (<see cref="SourceError"/> says
    /// why). They are not counted as missing or stale, so Regenerate All does not try them; they return to
    /// <see cref="Current"/>, <see cref="Missing"/> or <see cref="Stale"/> once the file can be read again.
    /// </summary>
    public IReadOnlyList<DescriptorId> Unavailable { get; }

    /// <summary>Gets why the track cannot be read, or <see langword="null"/> when it can (or is not known yet).</summary>
    public TrackSourceError? SourceError { get; }

    /// <summary>Gets a value indicating whether any descriptor is missing or stale (the banner's condition).</summary>
    public bool RequiresRegeneration => Missing.Count + Stale.Count > 0;

    /// <summary>Gets the reasons a descriptor is stale.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The reasons; empty when the descriptor is not stale.</returns>
    public IReadOnlyList<StaleReason> GetStaleReasons(DescriptorId descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        foreach (var stale in StaleDetails)
        {
            if (stale.Descriptor.Equals(descriptor))
            {
                return stale.Reasons;
            }
        }

        return [];
    }

    /// <summary>Gets the elements that request a descriptor.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <returns>The element ids, ordered; empty when no element requests it.</returns>
    public IReadOnlyList<string> GetOwners(DescriptorId descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        foreach (var owners in Owners)
        {
            if (owners.Descriptor.Equals(descriptor))
            {
                return owners.ElementIds;
            }
        }

        return [];
    }

    /// <inheritdoc/>
    public bool Equals(CacheDiff? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
        (Key.Equals(other.Key) &&
         Equals(ProfileRevisionHash, other.ProfileRevisionHash) &&
         DescriptorsRequested.SequenceEqual(other.DescriptorsRequested) &&
         DescriptorsCached.SequenceEqual(other.DescriptorsCached) &&
         Missing.SequenceEqual(other.Missing) &&
         StaleDetails.SequenceEqual(other.StaleDetails) &&
         Extraneous.SequenceEqual(other.Extraneous) &&
         Current.SequenceEqual(other.Current) &&
         Unknown.SequenceEqual(other.Unknown) &&
         Owners.SequenceEqual(other.Owners) &&
         Failed.SequenceEqual(other.Failed) &&
         Unavailable.SequenceEqual(other.Unavailable) &&
         Equals(SourceError, other.SourceError)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CacheDiff);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, ProfileRevisionHash, DescriptorsRequested.Count, Missing.Count, Stale.Count, Extraneous.Count, Unknown.Count, Failed.Count);

    /// <summary>
    /// Returns a one-line summary, e.g. <c>intro.wav | default: 3 requested, 1 missing, 2 stale, 0 extraneous, 0 unknown</c>;
    /// <c>, 1 failed</c> is appended when regenerations failed, <c>, 2 unavailable (NotFound)</c> when the track cannot be read.
    /// </summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        $"{Key}: {DescriptorsRequested.Count} requested, {Missing.Count} missing, {Stale.Count} stale, {Extraneous.Count} extraneous, {Unknown.Count} unknown"
        + (Failed.Count > 0 ? $", {Failed.Count} failed" : string.Empty)
        + (SourceError is not null ? $", {Unavailable.Count} unavailable ({SourceError.Problem})" : string.Empty)
        + (IsProfileDeleted ? " (profile deleted)" : string.Empty);
}
