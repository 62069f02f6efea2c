namespace AudioVis.Cache.Regeneration;

/// <summary>
/// Whether the analysis worker can run jobs. The host (or a health check) drives it; while it is unavailable the
/// regeneration queue starts nothing, keeps its jobs and reports them <see cref="RegenerationStatus.Paused"/>
/// ("Regeneration paused"), and resumes by itself when it becomes available again.
/// </summary>
/// <remarks>Thread-safe. Handlers run synchronously on the thread that changed the state; a throwing handler is logged.</remarks>
public interface IAnalysisAvailability
{
    /// <summary>Gets a value indicating whether the analysis worker is available.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    bool IsAvailable { get; }

    /// <summary>Sets whether the analysis worker is available; setting the current value changes nothing.</summary>
    /// <param name="available"><see langword="true"/> when it is (back) online.</param>
    void SetAvailable(bool available);

    /// <summary>Subscribes to changes.</summary>
    /// <param name="handler">Called with the new value after each change.</param>
    /// <returns>A token that unsubscribes when disposed.</returns>
    IDisposable Subscribe(Action<bool> handler);
}
