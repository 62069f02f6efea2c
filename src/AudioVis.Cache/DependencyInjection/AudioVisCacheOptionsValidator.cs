using AudioVis.Cache.Profiles;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>Cross-field rules of <see cref="AudioVisCacheOptions"/>: profile ids unique, no null profiles.</summary>
internal sealed class AudioVisCacheOptionsValidator : IValidateOptions<AudioVisCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioVisCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (options.IncludeDefaultProfile)
        {
            ids.Add(AnalysisProfile.DefaultId);
        }

        for (var i = 0; i < options.Profiles.Count; i++)
        {
            var profile = options.Profiles[i];
            if (profile is null)
            {
                errors.Add($"AudioVisCacheOptions.Profiles[{i}] is null.");
            }
            else if (!ids.Add(profile.Id))
            {
                errors.Add(profile.Id == AnalysisProfile.DefaultId && options.IncludeDefaultProfile
                    ? $"AudioVisCacheOptions.Profiles[{i}] has the id 'default', which the built-in profile uses; set IncludeDefaultProfile to false to replace it."
                    : $"AudioVisCacheOptions.Profiles[{i}] has the id '{profile.Id}', which another profile already uses.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
