using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Internal;

/// <summary>
/// Validates options at start-up with their own <c>Validate()</c> method, so the rules and messages live in one place: an
/// <see cref="ArgumentOutOfRangeException"/> from it becomes a failed validation with its message.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class ThrowingOptionsValidator<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
