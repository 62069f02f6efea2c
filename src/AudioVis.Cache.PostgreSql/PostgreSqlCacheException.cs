namespace AudioVis.Cache.PostgreSql;

/// <summary>
/// The PostgreSQL cache database cannot be used: the server cannot be reached, the schema is newer or belongs to
/// another application, a migration failed, or a row cannot be read back. The message names the server, the database
/// and the schema, never the password. Nothing is dropped or overwritten when this is thrown.
/// </summary>
public sealed class PostgreSqlCacheException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PostgreSqlCacheException"/> class.</summary>
    /// <param name="server">Where the database is, as <c>host:port/database (schema name)</c>; never holds a password.</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What exactly is wrong, as a sentence fragment (for example "schema version 7 is newer than 2").</param>
    /// <param name="innerException">Npgsql's own exception, if any.</param>
    public PostgreSqlCacheException(string server, PostgreSqlCacheProblem problem, string detail, Exception? innerException = null)
        : base($"The PostgreSQL cache database '{server}' cannot be used ({problem}): {detail}.", innerException)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(detail);
        Server = server;
        Problem = problem;
        Detail = detail;
    }

    /// <summary>Gets where the database is: <c>host:port/database (schema name)</c>.</summary>
    public string Server { get; }

    /// <summary>Gets the kind of problem.</summary>
    public PostgreSqlCacheProblem Problem { get; }

    /// <summary>Gets what exactly is wrong.</summary>
    public string Detail { get; }

    /// <summary>Gets a value indicating whether trying again later may succeed without changing anything (<see cref="PostgreSqlCacheProblem.CannotConnect"/> and <see cref="PostgreSqlCacheProblem.ConnectionLost"/>).</summary>
    public bool IsTransient => Problem is PostgreSqlCacheProblem.CannotConnect or PostgreSqlCacheProblem.ConnectionLost;
}
