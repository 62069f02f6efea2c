using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Orleans;

/// <summary>Validates <see cref="AudioVisCacheOrleansOptions"/> at start-up; every error names the option and its value.</summary>
internal sealed class AudioVisCacheOrleansOptionsValidator : IValidateOptions<AudioVisCacheOrleansOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioVisCacheOrleansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.InitialRetryDelay <= TimeSpan.Zero)
        {
            errors.Add($"AudioVisCacheOrleansOptions.InitialRetryDelay must be positive; it is {options.InitialRetryDelay}.");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            errors.Add($"AudioVisCacheOrleansOptions.MaxRetryDelay ({options.MaxRetryDelay}) must be at least InitialRetryDelay ({options.InitialRetryDelay}).");
        }

        if (options.MaxCallAttempts < 1)
        {
            errors.Add($"AudioVisCacheOrleansOptions.MaxCallAttempts must be at least 1; it is {options.MaxCallAttempts}.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"AudioVisCacheOrleansOptions.PollInterval must be positive; it is {options.PollInterval}.");
        }

        if (options.CallTimeout <= TimeSpan.Zero)
        {
            errors.Add($"AudioVisCacheOrleansOptions.CallTimeout must be positive; it is {options.CallTimeout}.");
        }

        if (options.RefreshPeriod < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"AudioVisCacheOrleansOptions.RefreshPeriod must be at least 100 ms; it is {options.RefreshPeriod}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
