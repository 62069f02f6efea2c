using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.History;

/// <summary>
/// One audited action on the cache: a regeneration job's final outcome or a dismissal. Immutable; equal when every
/// field is equal (lists compared item by item).
/// </summary>
public sealed class HistoryEntry : IEquatable<HistoryEntry>
{
    /// <summary>The <see cref="ErrorType"/> of a cancelled job (recorded with <see cref="HistoryStatus.Failure"/>).</summary>
    public const string CancelledErrorType = "Cancelled";

    /// <summary>The longest <see cref="ErrorMessage"/> or <see cref="TriggerDetail"/> kept, in characters; longer text is cut with an ellipsis.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Initializes a new instance of the <see cref="HistoryEntry"/> class.</summary>
    /// <param name="id">The entry id: a UUID v7 (<see cref="NewId"/>), not empty.</param>
    /// <param name="timestamp">When the action ended; stored in UTC.</param>
    /// <param name="key">The {track, profile} the action was on.</param>
    /// <param name="action">What was done.</param>
    /// <param name="descriptorIds">The descriptors, at least one, no duplicates; stored in canonical order.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="durationMs">How long it ran, in milliseconds (0 or more).</param>
    /// <param name="elementIds">The elements that asked for it; may be empty; stored ordered (ordinal) without duplicates.</param>
    /// <param name="trigger">Why it ran: Missing, Stale, Manual or a combination.</param>
    /// <param name="triggerDetail">The stale reasons in words, when known.</param>
    /// <param name="jobId">The regeneration job id; <see langword="null"/> for a dismissal.</param>
    /// <param name="attempt">The attempt the outcome came from (0 when the job never ran).</param>
    /// <param name="errorType">The error's type name; required for <see cref="HistoryStatus.Failure"/>, not allowed for success.</param>
    /// <param name="errorMessage">The error's message, for failures.</param>
    /// <exception cref="ArgumentException">An argument is empty, out of range or inconsistent with <paramref name="status"/>; the message names it.</exception>
    public HistoryEntry(
        Guid id,
        DateTimeOffset timestamp,
        CacheKey key,
        HistoryAction action,
        IReadOnlyCollection<DescriptorId> descriptorIds,
        HistoryStatus status,
        long durationMs,
        IReadOnlyCollection<string>? elementIds = null,
        RegenerationReason trigger = RegenerationReason.Manual,
        string? triggerDetail = null,
        long? jobId = null,
        int attempt = 0,
        string? errorType = null,
        string? errorMessage = null)
    {
        if (id == Guid.Empty)
        {
            throw new ArgumentException("A history entry id must not be empty; create one with HistoryEntry.NewId(timeProvider).", nameof(id));
        }

        StoreGuard.ThrowIfDefault(key);
        if (!Enum.IsDefined(action))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, $"History entry {id}: {action} is not a history action.");
        }

        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, $"History entry {id}: {status} is not a history status.");
        }

        if (trigger == RegenerationReason.None || (trigger & ~(RegenerationReason.Missing | RegenerationReason.Stale | RegenerationReason.Manual)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trigger), trigger, $"History entry {id}: the trigger must be Missing, Stale, Manual or a combination of them.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(durationMs);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        if (jobId is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(jobId), jobId, $"History entry {id}: a job id is 1 or more.");
        }

        ArgumentNullException.ThrowIfNull(descriptorIds);
        DescriptorId[] descriptors = [.. descriptorIds];
        if (descriptors.Length == 0)
        {
            throw new ArgumentException($"History entry {id} must name at least one descriptor.", nameof(descriptorIds));
        }

        Array.Sort(descriptors);
        for (var i = 0; i < descriptors.Length; i++)
        {
            if (descriptors[i] is null)
            {
                throw new ArgumentNullException(nameof(descriptorIds), $"A descriptor of history entry {id} is null.");
            }

            if (i > 0 && descriptors[i].Equals(descriptors[i - 1]))
            {
                throw new ArgumentException($"History entry {id} names descriptor '{descriptors[i]}' twice.", nameof(descriptorIds));
            }
        }

        var elements = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var element in elementIds ?? [])
        {
            if (string.IsNullOrEmpty(element))
            {
                throw new ArgumentException($"An element id of history entry {id} is null or empty.", nameof(elementIds));
            }

            elements.Add(element);
        }

        if (status == HistoryStatus.Success && (errorType is not null || errorMessage is not null))
        {
            throw new ArgumentException($"History entry {id} succeeded, so it has no error type or message (got '{errorType}').", nameof(errorType));
        }

        if (status == HistoryStatus.Failure && string.IsNullOrWhiteSpace(errorType))
        {
            throw new ArgumentException($"History entry {id} failed, so it needs an error type (the exception's type name, or '{CancelledErrorType}').", nameof(errorType));
        }

        Id = id;
        Timestamp = timestamp.ToUniversalTime();
        Key = key;
        Action = action;
        DescriptorIds = descriptors;
        Status = status;
        DurationMs = durationMs;
        ElementIds = [.. elements];
        Trigger = trigger;
        TriggerDetail = Cut(triggerDetail);
        JobId = jobId;
        Attempt = attempt;
        ErrorType = errorType;
        ErrorMessage = Cut(errorMessage);
    }

    /// <summary>Gets the entry id (UUID v7 for entries the library creates).</summary>
    public Guid Id { get; }

    /// <summary>Gets when the action ended, in UTC.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the {track, profile} the action was on.</summary>
    public CacheKey Key { get; }

    /// <summary>Gets the host's reference to the track.</summary>
    public string TrackRef => Key.TrackRef;

    /// <summary>Gets the analysis profile id.</summary>
    public string AnalysisProfileId => Key.AnalysisProfileId;

    /// <summary>Gets what was done.</summary>
    public HistoryAction Action { get; }

    /// <summary>Gets the descriptors, in canonical order.</summary>
    public IReadOnlyList<DescriptorId> DescriptorIds { get; }

    /// <summary>Gets how the action ended.</summary>
    public HistoryStatus Status { get; }

    /// <summary>Gets how long the action ran, in milliseconds: from the job's first start to its end (0 when it never ran).</summary>
    public long DurationMs { get; }

    /// <summary>Gets the elements that asked for it, ordered (ordinal).</summary>
    public IReadOnlyList<string> ElementIds { get; }

    /// <summary>Gets why it ran: Missing, Stale, Manual or a combination (a dismissal is Manual).</summary>
    public RegenerationReason Trigger { get; }

    /// <summary>Gets the stale reasons in words ("rms@L: profile parameters changed: fftSize: 2048 → 4096"), when known.</summary>
    public string? TriggerDetail { get; }

    /// <summary>Gets the regeneration job id; <see langword="null"/> for a dismissal.</summary>
    public long? JobId { get; }

    /// <summary>Gets the attempt the outcome came from (0 when the job never ran).</summary>
    public int Attempt { get; }

    /// <summary>Gets the error's type name for failures (<see cref="CancelledErrorType"/> for a cancelled job).</summary>
    public string? ErrorType { get; }

    /// <summary>Gets the error's message for failures.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Creates a UUID v7 entry id from the time provider's clock, so ids sort by creation time.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The id.</returns>
    public static Guid NewId(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow());
    }

    /// <inheritdoc/>
    public bool Equals(HistoryEntry? other) =>
        other is not null &&
        Id == other.Id &&
        Timestamp.UtcTicks == other.Timestamp.UtcTicks &&
        Key.Equals(other.Key) &&
        Action == other.Action &&
        Status == other.Status &&
        DurationMs == other.DurationMs &&
        Trigger == other.Trigger &&
        JobId == other.JobId &&
        Attempt == other.Attempt &&
        string.Equals(TriggerDetail, other.TriggerDetail, StringComparison.Ordinal) &&
        string.Equals(ErrorType, other.ErrorType, StringComparison.Ordinal) &&
        string.Equals(ErrorMessage, other.ErrorMessage, StringComparison.Ordinal) &&
        DescriptorIds.SequenceEqual(other.DescriptorIds) &&
        ElementIds.SequenceEqual(other.ElementIds, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HistoryEntry);

    /// <inheritdoc/>
    public override int GetHashCode() => Id.GetHashCode();

    /// <summary>Returns a one-line summary: time, action, status, key and descriptors.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        $"{Timestamp:O} {HistoryWireNames.Of(Action)} {HistoryWireNames.Of(Status)} {Key} [{string.Join(", ", DescriptorIds)}]";

    private static string? Cut(string? text)
    {
        if (text is null || text.Length <= MaxTextLength)
        {
            return text;
        }

        // Never split a surrogate pair: a lone high surrogate is not valid UTF-16 and does not survive a UTF-8 store.
        var keep = MaxTextLength - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
