using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Regeneration;

/// <summary>The DataAnnotations rules of <see cref="RegenerationOptions"/>, source-generated (no reflection, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class RegenerationOptionsValidator : IValidateOptions<RegenerationOptions>
{
}

/// <summary>
/// The rules DataAnnotations cannot express without reflection: time spans (and the optional job timeout) in range (<c>[Range(typeof(TimeSpan), …)]</c>
/// is not trim-safe) and the backoff's maximum delay not below its base delay.
/// </summary>
internal sealed class RegenerationOptionsCrossFieldValidator : IValidateOptions<RegenerationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.DisposeTimeout < TimeSpan.Zero || options.DisposeTimeout > RegenerationDefaults.DisposeTimeoutLimit)
        {
            builder.AddError($"RegenerationOptions.DisposeTimeout ({options.DisposeTimeout}) must be between 00:00:00 and {RegenerationDefaults.DisposeTimeoutLimit}.");
        }

        if (options.JobTimeout is { } jobTimeout && (jobTimeout <= TimeSpan.Zero || jobTimeout > RegenerationDefaults.JobTimeoutLimit))
        {
            builder.AddError($"RegenerationOptions.JobTimeout ({jobTimeout}) must be greater than 00:00:00 and at most {RegenerationDefaults.JobTimeoutLimit}, or null for none.");
        }

        if (options.Retry is { } retry)
        {
            if (retry.BaseDelay < TimeSpan.Zero || retry.BaseDelay > RegenerationDefaults.DelayLimit)
            {
                builder.AddError($"RegenerationOptions.Retry.BaseDelay ({retry.BaseDelay}) must be between 00:00:00 and {RegenerationDefaults.DelayLimit}.");
            }

            if (retry.MaxDelay < TimeSpan.Zero || retry.MaxDelay > RegenerationDefaults.DelayLimit)
            {
                builder.AddError($"RegenerationOptions.Retry.MaxDelay ({retry.MaxDelay}) must be between 00:00:00 and {RegenerationDefaults.DelayLimit}.");
            }
            else if (retry.MaxDelay < retry.BaseDelay)
            {
                builder.AddError($"RegenerationOptions.Retry.MaxDelay ({retry.MaxDelay}) must be at least RegenerationOptions.Retry.BaseDelay ({retry.BaseDelay}).");
            }
        }

        return builder.Build();
    }
}
