using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Diffing;

/// <summary>
/// A requested descriptor whose last regeneration failed (every attempt of its job), computed against the inputs the
/// descriptor still has: the same profile revision, calculator and source audio. Listed in <see cref="CacheDiff.Failed"/>.
/// </summary>
/// <remarks>
/// A failed descriptor is still <see cref="CacheDiff.Missing"/> or <see cref="CacheDiff.Stale"/> (the banner counts it);
/// the failure says why regenerating it again as-is is pointless. Regenerate All skips it unless the host includes failed
/// descriptors (<see cref="Regeneration.IRegenerationQueue.RegenerateAll(IEnumerable{CacheDiff}, bool)"/>).
/// </remarks>
public sealed record FailedDescriptor
{
    /// <summary>Initializes a new instance of the <see cref="FailedDescriptor"/> class.</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="jobId">The id of the job that failed (pass it to <see cref="Regeneration.IRegenerationQueue.Retry"/>).</param>
    /// <param name="errorType">The full name of the exception type of the last attempt.</param>
    /// <param name="errorMessage">The exception message of the last attempt.</param>
    /// <param name="attempts">How many attempts ran; at least 1.</param>
    /// <param name="failedAt">When the job failed, from the queue's <see cref="TimeProvider"/>.</param>
    public FailedDescriptor(DescriptorId descriptor, long jobId, string errorType, string errorMessage, int attempts, DateTimeOffset failedAt)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        ArgumentNullException.ThrowIfNull(errorMessage);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        Descriptor = descriptor;
        JobId = jobId;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        Attempts = attempts;
        FailedAt = failedAt;
    }

    /// <summary>Gets the descriptor.</summary>
    public DescriptorId Descriptor { get; }

    /// <summary>Gets the id of the job that failed (pass it to <see cref="Regeneration.IRegenerationQueue.Retry"/>).</summary>
    public long JobId { get; }

    /// <summary>Gets the full name of the exception type of the last attempt, e.g. <c>System.IO.InvalidDataException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>Gets the exception message of the last attempt.</summary>
    public string ErrorMessage { get; }

    /// <summary>Gets how many attempts ran.</summary>
    public int Attempts { get; }

    /// <summary>Gets when the job failed, from the queue's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset FailedAt { get; }
}
