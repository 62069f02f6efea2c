using AudioVis.Cache.Profiles;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>Cross-field rules of <see cref="AudioVisCacheOptions"/>: profile ids unique, no null profiles, folders valid paths when set.</summary>
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

        if (options.AnalysisDegreeOfParallelism is < 1 or > AudioVisCacheOptions.MaxAnalysisDegreeOfParallelism)
        {
            errors.Add($"AudioVisCacheOptions.AnalysisDegreeOfParallelism is {options.AnalysisDegreeOfParallelism}; it must be from 1 to {AudioVisCacheOptions.MaxAnalysisDegreeOfParallelism}.");
        }

        if (options.AnalysisMemoryBudgetBytes < Analysis.AnalysisMemory.MinBudgetBytes)
        {
            errors.Add($"AudioVisCacheOptions.AnalysisMemoryBudgetBytes is {options.AnalysisMemoryBudgetBytes}; it must be at least {Analysis.AnalysisMemory.MinBudgetBytes} (1 MiB).");
        }

        if (options.TempFileMaxAge < AudioVisCacheOptions.MinTempFileMaxAge)
        {
            errors.Add($"AudioVisCacheOptions.TempFileMaxAge is {options.TempFileMaxAge}; it must be at least {AudioVisCacheOptions.MinTempFileMaxAge} (a shorter age could remove a running writer's file on another machine).");
        }

        CheckFolder(options.AudioRoot, nameof(AudioVisCacheOptions.AudioRoot), errors);
        CheckFolder(options.FeatureCacheRoot, nameof(AudioVisCacheOptions.FeatureCacheRoot), errors);
        CheckFolder(options.ExportsRoot, nameof(AudioVisCacheOptions.ExportsRoot), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckFolder(string? folder, string name, List<string> errors)
    {
        if (folder is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(folder))
        {
            errors.Add($"AudioVisCacheOptions.{name} is empty; set a folder or leave it null.");
            return;
        }

        try
        {
            _ = Path.GetFullPath(folder);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"AudioVisCacheOptions.{name} '{folder}' is not a valid path: {ex.Message}");
        }
    }
}
