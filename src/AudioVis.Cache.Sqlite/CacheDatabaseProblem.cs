namespace AudioVis.Cache.Sqlite;

/// <summary>Why the SQLite cache database cannot be used (see <see cref="CacheDatabaseException.Problem"/>).</summary>
public enum CacheDatabaseProblem
{
    /// <summary>The file is not an SQLite database (its header is not <c>SQLite format 3</c>, or SQLite says SQLITE_NOTADB).</summary>
    NotADatabase = 0,

    /// <summary>The file is an SQLite database, but damaged: SQLite reports SQLITE_CORRUPT, <c>PRAGMA quick_check</c> finds errors, or a row cannot be read back.</summary>
    Corrupt = 1,

    /// <summary>The database was written by a newer version of this library (its schema version is higher than the one this version knows).</summary>
    NewerSchema = 2,

    /// <summary>The file is an SQLite database of another application (its <c>application_id</c> is not this library's, and it has tables).</summary>
    ForeignDatabase = 3,

    /// <summary>Another process held the database lock longer than the busy timeout, through every retry.</summary>
    Locked = 4,

    /// <summary>A schema migration failed; it was rolled back, and the file is as it was before.</summary>
    MigrationFailed = 5,

    /// <summary>SQLite cannot open or read the file (permissions, a folder in the way, an I/O error).</summary>
    CannotOpen = 6,
}
