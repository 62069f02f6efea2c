namespace AudioVis.Cache.Cli;

/// <summary>The exit codes of every command (docs/cli.md, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>check</c>, the cache is clean.</summary>
    public const int Success = 0;

    /// <summary>Something failed that is not the caller's input: a regeneration job failed, the database cannot be used.</summary>
    public const int Failure = 1;

    /// <summary>A usage or input error: unknown command or option, a bad scene file, missing audio.</summary>
    public const int Usage = 2;

    /// <summary><c>check</c>: some requested descriptor is missing, stale, failed or unavailable.</summary>
    public const int NotClean = 3;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
