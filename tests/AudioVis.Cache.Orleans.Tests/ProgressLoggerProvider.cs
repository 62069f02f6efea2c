using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>Writes warnings and errors of the cluster to the test's progress output, so a failing run shows what Orleans saw.</summary>
internal sealed class ProgressLoggerProvider(string source) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(source, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string source, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                TestContext.Progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff} {source} {logLevel} {category}] {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
            }
        }
    }
}
