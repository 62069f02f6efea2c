namespace AudioVis.Cache.PostgreSql;

/// <summary>Why the PostgreSQL cache database cannot be used (see <see cref="PostgreSqlCacheException.Problem"/>).</summary>
public enum PostgreSqlCacheProblem
{
    /// <summary>No connection could be opened (server down, wrong host or port, authentication refused, no such database), through every retry.</summary>
    CannotConnect = 0,

    /// <summary>The cache schema was written by a newer version of this library (its schema version is higher than the one this version knows).</summary>
    NewerSchema = 1,

    /// <summary>The configured schema holds tables of another application (it has tables but no AudioVis.Cache version table).</summary>
    ForeignDatabase = 2,

    /// <summary>A schema migration failed; its transaction was rolled back, so the schema is as it was before that step.</summary>
    MigrationFailed = 3,

    /// <summary>A stored row cannot be read back (a value no longer parses, for example after a manual edit).</summary>
    Corrupt = 4,

    /// <summary>The connection broke during an operation (or the server reported a transient error) through every retry.</summary>
    ConnectionLost = 5,

    /// <summary>The server refused the operation (missing privilege, a statement error): the message carries PostgreSQL's SQLSTATE.</summary>
    CommandFailed = 6,
}
