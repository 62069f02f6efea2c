using Microsoft.Extensions.Options;

namespace AudioVis.Cache.History;

/// <summary>Validates <see cref="HistoryRetentionOptions"/> at start-up with the same rules and messages as <see cref="HistoryRetentionOptions.Validate"/>.</summary>
internal sealed class HistoryRetentionOptionsValidator : IValidateOptions<HistoryRetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
