using Microsoft.Extensions.Configuration;

namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The default <see cref="IDiagnosticsFeatureGate"/>: the flag from configuration, on when it is not set; a value that is
/// not <c>true</c> or <c>false</c> keeps the surfaces off (fail closed).
/// </summary>
internal sealed class ConfigurationDiagnosticsFeatureGate(IConfiguration? configuration) : IDiagnosticsFeatureGate
{
    /// <summary>Microsoft.FeatureManagement's section, then the bare key.</summary>
    private static readonly string[] Keys = ["FeatureManagement:" + IDiagnosticsFeatureGate.FlagName, IDiagnosticsFeatureGate.FlagName];

    public bool IsEnabled
    {
        get
        {
            if (configuration is null)
            {
                return true;
            }

            foreach (var key in Keys)
            {
                if (configuration[key] is { } value)
                {
                    return bool.TryParse(value, out var enabled) && enabled;
                }
            }

            return true;
        }
    }
}
