using AudioVis.Cache.Analysis;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>
/// Checks the host's calculators (<c>AddCalculator</c>) with the options, so a malformed or clashing id fails at start-up
/// (<c>ValidateOnStart</c>) instead of when the analyzer or the differ is first resolved.
/// </summary>
internal sealed class HostCalculatorsValidator(IEnumerable<IDescriptorCalculator> calculators) : IValidateOptions<AudioVisCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioVisCacheOptions options)
    {
        try
        {
            _ = CalculatorRegistry.WithHostCalculators(calculators);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(WithoutParameterName(ex));
        }
    }

    // ArgumentException.Message appends " (Parameter '…')"; the failure text is the sentence alone.
    private static string WithoutParameterName(ArgumentException ex)
    {
        var message = ex.Message;
        var suffix = $" (Parameter '{ex.ParamName}')";
        return ex.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
