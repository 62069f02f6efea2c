namespace AudioVis.Cache.Intents;

/// <summary>
/// The host's project clock, which stamps <see cref="AnalysisIntent.RequestedAt"/>. The default reads
/// <see cref="TimeProvider.GetUtcNow"/> of the registered <see cref="TimeProvider"/>; hosts with their own
/// timebase (a project timeline, a deterministic render clock) register their own implementation.
/// </summary>
public interface IProjectTimebase
{
    /// <summary>Gets the current project time, in UTC.</summary>
    /// <returns>The current project time.</returns>
    DateTimeOffset GetUtcNow();
}

/// <summary>The default <see cref="IProjectTimebase"/> over a <see cref="TimeProvider"/>.</summary>
internal sealed class TimeProviderProjectTimebase(TimeProvider timeProvider) : IProjectTimebase
{
    public DateTimeOffset GetUtcNow() => timeProvider.GetUtcNow();
}
