namespace AudioVis.Cache.Profiles;

/// <summary>A named analysis profile: the parameters every descriptor of a track is computed with.</summary>
public sealed record AnalysisProfile
{
    /// <summary>The maximum length of a profile id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The id of the profile that <see cref="Default"/> returns.</summary>
    public const string DefaultId = "default";

    /// <summary>Initializes a new instance of the <see cref="AnalysisProfile"/> class.</summary>
    /// <param name="id">
    /// The profile id: 1 to 64 characters of ASCII letters, digits, '.', '_' or '-', starting with a letter or
    /// digit. Ids compare ordinally (case-sensitive).
    /// </param>
    /// <param name="parameters">The analysis parameters.</param>
    /// <param name="displayName">The name shown to people, e.g. <c>HighRes FFT</c>; defaults to <paramref name="id"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is malformed.</exception>
    /// <exception cref="InvalidAnalysisParametersException"><paramref name="parameters"/> break a rule.</exception>
    public AnalysisProfile(string id, AnalysisParameters parameters, string? displayName = null)
    {
        ValidateId(id);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        Id = id;
        Parameters = parameters;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? id : displayName;
        RevisionHash = ProfileRevisionHash.Compute(parameters);
    }

    /// <summary>Gets the built-in profile <c>default</c> with <see cref="AnalysisParameters.Default"/>.</summary>
    public static AnalysisProfile Default { get; } = new(DefaultId, AnalysisParameters.Default, "Default");

    /// <summary>Gets the profile id.</summary>
    public string Id { get; }

    /// <summary>Gets the name shown to people.</summary>
    public string DisplayName { get; }

    /// <summary>Gets the analysis parameters.</summary>
    public AnalysisParameters Parameters { get; }

    /// <summary>Gets the SHA-256 of the canonical parameters; it changes exactly when a parameter changes.</summary>
    public ProfileRevisionHash RevisionHash { get; }

    /// <summary>Throws when a text is not a valid profile id.</summary>
    /// <param name="id">The candidate id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is malformed; the message names it.</exception>
    public static void ValidateId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsValidId(id))
        {
            throw new ArgumentException(
                $"Analysis profile id '{id}' is invalid: use 1 to {MaxIdLength} ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.",
                nameof(id));
        }
    }

    /// <summary>Tells whether a text is a valid profile id.</summary>
    /// <param name="id">The candidate id.</param>
    /// <returns><see langword="true"/> when <paramref name="id"/> is valid.</returns>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
