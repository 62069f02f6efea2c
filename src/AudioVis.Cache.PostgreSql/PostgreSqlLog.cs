using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.PostgreSql;

/// <summary>Log events of the PostgreSQL package: 60xx the database and its migrations, 61xx the change listener.</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "The PostgreSQL cache schema on {Server} is ready at version {Version} (this library writes {Latest}).")]
    public static partial void SchemaReady(ILogger logger, string server, int version, int latest);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Migrated the PostgreSQL cache schema on {Server} to version {Version} ({Description}).")]
    public static partial void Migrated(ILogger logger, string server, int version, string description);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "{Operation} on {Server} failed with a transient error; retry {Attempt} of {MaxRetries} in {Delay}.")]
    public static partial void TransientRetry(ILogger logger, string operation, string server, int attempt, int maxRetries, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Listening for cache changes on {Server} (channel {Channel}); every key was invalidated to resynchronise.")]
    public static partial void Listening(ILogger logger, string server, string channel);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "The cache change listener lost its connection to {Server} (or could not connect); reconnecting in {Delay}.")]
    public static partial void ListenerDisconnected(ILogger logger, string server, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Ignored a cache change notification on channel {Channel} whose payload cannot be read ({Length} characters).")]
    public static partial void UnreadablePayload(ILogger logger, string channel, int length);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "A subscriber of the PostgreSQL cache change feed threw; notifications continue.")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "The cache change listener on {Server} stopped after an unexpected error; changes of other nodes are no longer seen.")]
    public static partial void ListenerFaulted(ILogger logger, string server, Exception exception);
}
