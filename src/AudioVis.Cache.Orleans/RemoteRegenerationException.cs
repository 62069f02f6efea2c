namespace AudioVis.Cache.Orleans;

/// <summary>
/// The error of a regeneration job that ran on another silo (or of the cluster call itself): the original exception stays
/// on the silo, its type name and message travel.
/// </summary>
public sealed class RemoteRegenerationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RemoteRegenerationException"/> class.</summary>
    public RemoteRegenerationException()
        : this("Unknown", "A regeneration job failed on another silo.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteRegenerationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RemoteRegenerationException(string message)
        : this("Unknown", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteRegenerationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RemoteRegenerationException(string message, Exception innerException)
        : base(message, innerException)
    {
        RemoteTypeName = innerException?.GetType().FullName ?? "Unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteRegenerationException"/> class.</summary>
    /// <param name="remoteTypeName">The full name of the original exception's type.</param>
    /// <param name="message">The original message.</param>
    public RemoteRegenerationException(string remoteTypeName, string message)
        : base(message)
    {
        RemoteTypeName = remoteTypeName;
    }

    /// <summary>Gets the full name of the original exception's type (for example <c>System.IO.IOException</c>).</summary>
    public string RemoteTypeName { get; }
}
