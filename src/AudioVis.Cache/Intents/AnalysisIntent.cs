using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Intents;

/// <summary>
/// What one visual element needs from the cache: a track, an analysis profile and a set of descriptors.
/// Elements build one at render preparation time and publish it to the <see cref="IAnalysisIntentBus"/>.
/// </summary>
/// <remarks>
/// Descriptors are kept in canonical order (ordinal) and must be unique. Two intents are equal when every
/// field is equal; the bus's memoization ignores <see cref="RequestedAt"/> (see <see cref="HasSameRequest"/>).
/// Keep the instance while the element's configuration is unchanged: re-publishing the same instance is free.
/// </remarks>
public sealed class AnalysisIntent : IEquatable<AnalysisIntent>
{
    private readonly DescriptorId[] _descriptors;

    // The bus this instance is the current intent in, so re-publishing the held instance costs one read.
    private object? _currentIn;
    private ulong _memoHash;
    private bool _hasMemoHash;

    /// <summary>Initializes a new instance of the <see cref="AnalysisIntent"/> class.</summary>
    /// <param name="elementId">The element's id (1 to 256 characters, no control characters).</param>
    /// <param name="trackRef">The host's reference to the track (1 to 1024 characters, no control characters).</param>
    /// <param name="analysisProfileId">The analysis profile id.</param>
    /// <param name="descriptors">The descriptors, at least one, no duplicates.</param>
    /// <param name="requestedAt">When the element asked, from the project timebase; stored in UTC.</param>
    /// <exception cref="ArgumentException">An argument is empty or malformed; the message names it.</exception>
    /// <exception cref="DuplicateDescriptorException">A descriptor is listed twice.</exception>
    public AnalysisIntent(string elementId, string trackRef, string analysisProfileId, IEnumerable<DescriptorId> descriptors, DateTimeOffset requestedAt)
        : this(elementId, trackRef, analysisProfileId, (descriptors ?? throw new ArgumentNullException(nameof(descriptors))).ToArray(), requestedAt)
    {
    }

    /// <summary>Takes <paramref name="descriptors"/> as its own (it is sorted in place), so <see cref="Create"/> copies nothing.</summary>
    private AnalysisIntent(string elementId, string trackRef, string analysisProfileId, DescriptorId[] descriptors, DateTimeOffset requestedAt)
    {
        var sorted = descriptors;
        ElementId = Guard.ElementId(elementId);
        Key = new CacheKey(trackRef, analysisProfileId);
        if (sorted.Length == 0)
        {
            throw new ArgumentException($"The analysis intent of element '{elementId}' must list at least one descriptor; retract the intent instead.", nameof(descriptors));
        }

        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] is null)
            {
                throw new ArgumentNullException(nameof(descriptors), $"Descriptor {i} of the analysis intent of element '{elementId}' is null.");
            }
        }

        Array.Sort(sorted);
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Equals(sorted[i - 1]))
            {
                throw new DuplicateDescriptorException(elementId, sorted[i]);
            }
        }

        _descriptors = DescriptorSets.Intern(sorted);
        RequestedAt = requestedAt.ToUniversalTime();
    }

    /// <summary>Gets the element's id.</summary>
    public string ElementId { get; }

    /// <summary>Gets the {track, profile} this intent is about.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the host's reference to the track.</summary>
    public string TrackRef => Key.TrackRef;

    /// <summary>Gets the analysis profile id.</summary>
    public string AnalysisProfileId => Key.AnalysisProfileId;

    /// <summary>Gets the requested descriptors in canonical (ordinal) order.</summary>
    public IReadOnlyList<DescriptorId> Descriptors => _descriptors;

    /// <summary>Gets the descriptor array, shared by every intent that requests the same set.</summary>
    internal DescriptorId[] DescriptorArray => _descriptors;

    /// <summary>Gets when the element asked, in UTC.</summary>
    public DateTimeOffset RequestedAt { get; }

    /// <summary>Gets <see cref="RequestedAt"/> as ISO 8601 text (round-trip format, e.g. <c>2026-11-25T20:47:36.0000000+00:00</c>).</summary>
    public string RequestedAtIso8601 => RequestedAt.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// Gets the memo hash: XxHash3 (seed 0) of the UTF-8 tuple {trackRef, analysisProfileId, sorted descriptors},
    /// each item followed by a NUL byte. Equal requests have equal hashes in every process.
    /// </summary>
    /// <remarks>Computed on first use: loading a scene publishes new intents, which never need it.</remarks>
    public ulong MemoHash
    {
        get
        {
            if (!Volatile.Read(ref _hasMemoHash))
            {
                _memoHash = ComputeMemoHash(Key, _descriptors);
                Volatile.Write(ref _hasMemoHash, true);
            }

            return _memoHash;
        }
    }

    /// <summary>Gets or sets the bus this instance is currently held by as its element's intent.</summary>
    internal object? CurrentIn
    {
        get => Volatile.Read(ref _currentIn);
        set => Volatile.Write(ref _currentIn, value);
    }

    /// <summary>Creates an intent from descriptor id texts.</summary>
    /// <param name="elementId">The element's id.</param>
    /// <param name="trackRef">The host's reference to the track.</param>
    /// <param name="analysisProfileId">The analysis profile id.</param>
    /// <param name="descriptors">The descriptor ids as text, e.g. <c>spectrum.bands32@L</c>.</param>
    /// <param name="requestedAt">When the element asked, from the project timebase.</param>
    /// <returns>The intent.</returns>
    /// <exception cref="DescriptorIdFormatException">A descriptor id does not parse; the message gives the position.</exception>
    /// <exception cref="DuplicateDescriptorException">A descriptor is listed twice.</exception>
    /// <exception cref="ArgumentException">Another argument is empty or malformed.</exception>
    public static AnalysisIntent Create(string elementId, string trackRef, string analysisProfileId, IEnumerable<string> descriptors, DateTimeOffset requestedAt)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        if (descriptors is IReadOnlyList<string> list)
        {
            // A scene load creates hundreds of intents: parse straight into the array the constructor sorts.
            var parsed = new DescriptorId[list.Count];
            for (var i = 0; i < parsed.Length; i++)
            {
                parsed[i] = DescriptorId.Parse(list[i]);
            }

            return new AnalysisIntent(elementId, trackRef, analysisProfileId, parsed, requestedAt);
        }

        return new AnalysisIntent(elementId, trackRef, analysisProfileId, descriptors.Select(DescriptorId.Parse), requestedAt);
    }

    /// <summary>Tells whether two intents ask for the same thing: same element, track, profile and descriptors (ignoring <see cref="RequestedAt"/>).</summary>
    /// <param name="other">The other intent.</param>
    /// <returns><see langword="true"/> when the requests are the same.</returns>
    public bool HasSameRequest(AnalysisIntent? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Interned descriptor sets make the usual case a reference comparison; no hash is needed.
        return other is not null
            && (ReferenceEquals(_descriptors, other._descriptors) || _descriptors.AsSpan().SequenceEqual(other._descriptors))
            && string.Equals(ElementId, other.ElementId, StringComparison.Ordinal)
            && Key.Equals(other.Key);
    }

    /// <inheritdoc/>
    public bool Equals(AnalysisIntent? other) => HasSameRequest(other) && RequestedAt == other!.RequestedAt;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AnalysisIntent);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(MemoHash, RequestedAt);

    /// <summary>Returns a one-line summary, e.g. <c>bars-1 → intro.wav | default [rms, spectrum.bands32@L]</c>.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => $"{ElementId} → {Key} [{string.Join(", ", (IEnumerable<DescriptorId>)_descriptors)}]";

    // One-shot XxHash3 over the concatenated tuple equals the streaming hash of the same bytes, without allocating a
    // hasher (its state is about 600 bytes) for every intent a scene load creates.
    private static ulong ComputeMemoHash(CacheKey key, DescriptorId[] descriptors)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.TrackRef.Length) + Encoding.UTF8.GetMaxByteCount(key.AnalysisProfileId.Length) + 2;
        foreach (var descriptor in descriptors)
        {
            length += Encoding.UTF8.GetMaxByteCount(descriptor.ToString().Length) + 1;
        }

        byte[]? rented = null;
        var buffer = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Append(buffer, 0, key.TrackRef);
            written = Append(buffer, written, key.AnalysisProfileId);
            foreach (var descriptor in descriptors)
            {
                written = Append(buffer, written, descriptor.ToString());
            }

            return XxHash3.HashToUInt64(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        static int Append(Span<byte> buffer, int offset, string text)
        {
            var written = offset + Encoding.UTF8.GetBytes(text, buffer[offset..]);
            buffer[written] = 0;
            return written + 1;
        }
    }
}
