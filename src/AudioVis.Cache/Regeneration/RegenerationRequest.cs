using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Regeneration;

/// <summary>A request to regenerate descriptors of one {track, profile}.</summary>
public sealed record RegenerationRequest
{
    /// <summary>Initializes a new instance of the <see cref="RegenerationRequest"/> class.</summary>
    /// <param name="key">The {track, profile}.</param>
    /// <param name="descriptors">The descriptors to regenerate: at least one, no duplicates.</param>
    /// <param name="reason">Why; not <see cref="RegenerationReason.None"/>.</param>
    /// <param name="requestingElementIds">The elements that asked for it; may be empty.</param>
    /// <exception cref="ArgumentException">An argument is empty, a duplicate or out of range; the message names it.</exception>
    public RegenerationRequest(CacheKey key, IReadOnlyCollection<DescriptorId> descriptors, RegenerationReason reason, IReadOnlyCollection<string>? requestingElementIds = null)
    {
        StoreGuard.ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(descriptors);
        if (reason == RegenerationReason.None || (reason & ~(RegenerationReason.Missing | RegenerationReason.Stale | RegenerationReason.Manual)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, $"The regeneration reason for {key} must be Missing, Stale, Manual or a combination of them.");
        }

        DescriptorId[] sorted = [.. descriptors];
        if (sorted.Length == 0)
        {
            throw new ArgumentException($"A regeneration request for {key} must name at least one descriptor.", nameof(descriptors));
        }

        Array.Sort(sorted);
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] is null)
            {
                throw new ArgumentNullException(nameof(descriptors), $"A descriptor of the regeneration request for {key} is null.");
            }

            if (i > 0 && sorted[i].Equals(sorted[i - 1]))
            {
                throw new ArgumentException($"The regeneration request for {key} names descriptor '{sorted[i]}' twice.", nameof(descriptors));
            }
        }

        string[] elements = requestingElementIds is null ? [] : [.. requestingElementIds];
        foreach (var element in elements)
        {
            if (string.IsNullOrEmpty(element))
            {
                throw new ArgumentException($"A requesting element id of the regeneration request for {key} is null or empty.", nameof(requestingElementIds));
            }
        }

        Key = key;
        Descriptors = sorted;
        Reason = reason;
        RequestingElementIds = elements;
    }

    /// <summary>Gets the {track, profile}.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the descriptors to regenerate, in canonical order.</summary>
    public IReadOnlyList<DescriptorId> Descriptors { get; }

    /// <summary>Gets why they are regenerated.</summary>
    public RegenerationReason Reason { get; }

    /// <summary>Gets the elements that asked for it.</summary>
    public IReadOnlyList<string> RequestingElementIds { get; }

    /// <summary>Gets a value indicating whether auto-regeneration made the request (recorded as <c>auto_regenerate</c>).</summary>
    internal bool IsAutomatic { get; init; }

    /// <summary>Gets the stale reasons in words, when the request came from a diff (recorded in the history).</summary>
    internal string? TriggerDetail { get; init; }
}
