using AudioVis.Cache.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Sqlite.DependencyInjection;

/// <summary>Validates <see cref="SqliteCacheOptions"/> at start-up: a database path can be found, limits are in range.</summary>
internal sealed class SqliteCacheOptionsValidator(IOptions<AudioVisCacheOptions> cacheOptions) : IValidateOptions<SqliteCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.DatabasePath is null && cacheOptions.Value.FeatureCacheRoot is null)
        {
            errors.Add($"SqliteCacheOptions.DatabasePath is null and AudioVisCacheOptions.FeatureCacheRoot is null: set FeatureCacheRoot (the database is then '{SqliteCacheOptions.DefaultFileName}' next to the feature blobs) or set DatabasePath.");
        }
        else if (options.DatabasePath is { } path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add("SqliteCacheOptions.DatabasePath is empty; set a file path or leave it null to use FeatureCacheRoot.");
            }
            else
            {
                try
                {
                    var full = Path.GetFullPath(path);
                    if (Directory.Exists(full))
                    {
                        errors.Add($"SqliteCacheOptions.DatabasePath '{path}' is a folder; give the path of the database file (for example '{Path.Combine(path, SqliteCacheOptions.DefaultFileName)}').");
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    errors.Add($"SqliteCacheOptions.DatabasePath '{path}' is not a valid path: {ex.Message}");
                }
            }
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > SqliteCacheOptions.MaxBusyTimeout)
        {
            errors.Add($"SqliteCacheOptions.BusyTimeout must be between 0 and {SqliteCacheOptions.MaxBusyTimeout}; got {options.BusyTimeout}.");
        }

        if (options.MaxBusyRetries is < 0 or > SqliteCacheOptions.MaxMaxBusyRetries)
        {
            errors.Add($"SqliteCacheOptions.MaxBusyRetries must be between 0 and {SqliteCacheOptions.MaxMaxBusyRetries}; got {options.MaxBusyRetries}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Gets the database file the options name: <see cref="SqliteCacheOptions.DatabasePath"/>, else the default file in the feature cache folder.</summary>
    public static string ResolvePath(SqliteCacheOptions options, AudioVisCacheOptions cacheOptions) =>
        Path.GetFullPath(options.DatabasePath ?? Path.Combine(
            cacheOptions.FeatureCacheRoot ?? throw new InvalidOperationException("FeatureCacheRoot is null and no DatabasePath is set (options validation reports this at start-up)."),
            SqliteCacheOptions.DefaultFileName));
}
