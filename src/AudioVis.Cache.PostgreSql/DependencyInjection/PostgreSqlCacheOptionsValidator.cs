using Microsoft.Extensions.Options;

namespace AudioVis.Cache.PostgreSql.DependencyInjection;

/// <summary>Validates <see cref="PostgreSqlCacheOptions"/> at start-up: a usable connection string, a valid schema name, limits in range.</summary>
internal sealed class PostgreSqlCacheOptionsValidator : IValidateOptions<PostgreSqlCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlCacheOptions options)
    {
        var errors = PostgreSqlCacheDatabase.ValidateOptions(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
