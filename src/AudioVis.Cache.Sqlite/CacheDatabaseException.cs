namespace AudioVis.Cache.Sqlite;

/// <summary>
/// The SQLite cache database cannot be used: it is not a database, is corrupt, has a newer schema, belongs to another
/// application, stayed locked, or could not be migrated. The file is never overwritten when this is thrown; the host
/// can move it aside and start again (or set <see cref="SqliteCacheOptions.RebuildUnusableDatabase"/>).
/// </summary>
public sealed class CacheDatabaseException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CacheDatabaseException"/> class.</summary>
    /// <param name="databasePath">The full path of the database file.</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What exactly is wrong, as a sentence fragment (for example "schema version 7 is newer than 2").</param>
    /// <param name="innerException">SQLite's own exception, if any.</param>
    public CacheDatabaseException(string databasePath, CacheDatabaseProblem problem, string detail, Exception? innerException = null)
        : base($"The cache database '{databasePath}' cannot be used ({problem}): {detail}.", innerException)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        ArgumentNullException.ThrowIfNull(detail);
        DatabasePath = databasePath;
        Problem = problem;
        Detail = detail;
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the kind of problem.</summary>
    public CacheDatabaseProblem Problem { get; }

    /// <summary>Gets what exactly is wrong.</summary>
    public string Detail { get; }

    /// <summary>Gets a value indicating whether moving the file aside and creating a new database would help (every problem except <see cref="CacheDatabaseProblem.Locked"/> and <see cref="CacheDatabaseProblem.CannotOpen"/>).</summary>
    public bool CanRebuild => Problem is not (CacheDatabaseProblem.Locked or CacheDatabaseProblem.CannotOpen);
}
