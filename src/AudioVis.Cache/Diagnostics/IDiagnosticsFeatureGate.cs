namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The diagnostics feature flag (<see cref="FlagName"/>): it gates every UI surface the library produces — the banner and
/// the diagnostics panel report hidden and empty while it is off — but never the caching itself (intents, diffs,
/// regeneration and history go on). Asked each time a surface is composed, so a flag changed at run time takes effect at
/// the next change.
/// </summary>
/// <remarks>
/// The default reads the host's <c>IConfiguration</c>: <c>FeatureManagement:feature.audioVis.cacheDiagnosticsPhase3</c>
/// (Microsoft.FeatureManagement's boolean form) or <c>feature.audioVis.cacheDiagnosticsPhase3</c>, <c>true</c> or
/// <c>false</c>; on when neither is set, off for any other value. Hosts with feature filters (percentage rollouts, targeting) register a gate over
/// Microsoft.FeatureManagement's <c>IFeatureManager</c> with <c>UseDiagnosticsFeatureGate&lt;T&gt;()</c>
/// (docs/audio-feature-bindings.md shows one).
/// </remarks>
public interface IDiagnosticsFeatureGate
{
    /// <summary>The flag's name, from the spec's rollout plan.</summary>
    const string FlagName = "feature.audioVis.cacheDiagnosticsPhase3";

    /// <summary>Gets a value indicating whether the diagnostics UI surfaces are on.</summary>
    bool IsEnabled { get; }
}
