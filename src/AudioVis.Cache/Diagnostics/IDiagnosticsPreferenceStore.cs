namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// Keeps the diagnostics panel's <see cref="DiagnosticsPreferences"/> between sessions. The default is a JSON file in the
/// user's settings folder (<c>AudioVisCacheOptions.DiagnosticsPreferencesPath</c>); hosts with their own settings storage
/// register theirs with <c>UseDiagnosticsPreferenceStore&lt;T&gt;()</c>.
/// </summary>
public interface IDiagnosticsPreferenceStore
{
    /// <summary>Loads the preferences.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The saved preferences; <see cref="DiagnosticsPreferences.Default"/> when none were saved or the saved ones cannot be read (reported, never thrown).</returns>
    ValueTask<DiagnosticsPreferences> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves the preferences, replacing the previous ones atomically.</summary>
    /// <param name="preferences">The preferences.</param>
    /// <param name="cancellationToken">Cancels the save; a cancelled save leaves the previous preferences.</param>
    /// <returns>A task that completes when they are saved.</returns>
    ValueTask SaveAsync(DiagnosticsPreferences preferences, CancellationToken cancellationToken = default);
}
