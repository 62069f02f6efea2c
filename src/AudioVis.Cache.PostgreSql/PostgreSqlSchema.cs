namespace AudioVis.Cache.PostgreSql;

/// <summary>One forward step of the schema: the SQL that takes the cache schema from <c>Version - 1</c> to <see cref="Version"/>.</summary>
/// <param name="Version">The schema version after the step (a row of <c>audiovis_schema_migrations</c>).</param>
/// <param name="Description">What the step does, recorded with the version.</param>
/// <param name="Sql">The statements, with <c>{schema}</c> standing for the quoted schema name; they run in the step's transaction.</param>
internal sealed record PostgreSqlMigration(int Version, string Description, string Sql);

/// <summary>
/// The cache schema as the list of forward migrations that build it. Steps are never edited once shipped: a change is a
/// new step. Text columns that are compared or sorted use the <c>"C"</c> collation, so the order is the ordinal order of
/// the ASCII identifiers whatever the database's default collation is.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The table whose presence marks a schema as this library's, and whose rows are the applied versions.</summary>
    public const string VersionTable = "audiovis_schema_migrations";

    /// <summary>Version 1: the version table and the metadata records.</summary>
    public const string Version1 = """
        CREATE TABLE {schema}.audiovis_schema_migrations (
            version integer NOT NULL PRIMARY KEY,
            description text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE {schema}.cache_metadata (
            track_ref text COLLATE "C" NOT NULL,
            profile_id text COLLATE "C" NOT NULL,
            descriptor_id text COLLATE "C" NOT NULL,
            profile_revision_hash text NOT NULL,
            parameters text NULL,
            source_content_hash text NOT NULL,
            calculator_id text NOT NULL,
            calculator_version integer NOT NULL,
            analyzed_at_utc_ticks bigint NOT NULL,
            analyzed_at_offset_minutes integer NOT NULL,
            PRIMARY KEY (track_ref, profile_id, descriptor_id)
        );
        """;

    /// <summary>Version 2: the regeneration history; element ids in an array column with a GIN index for queries by element.</summary>
    public const string Version2 = """
        CREATE TABLE {schema}.history_entries (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL UNIQUE,
            timestamp_utc_ticks bigint NOT NULL,
            track_ref text COLLATE "C" NOT NULL,
            profile_id text COLLATE "C" NOT NULL,
            action text NOT NULL,
            status text NOT NULL,
            descriptor_ids text[] NOT NULL,
            duration_ms bigint NOT NULL,
            trigger text NOT NULL,
            trigger_detail text NULL,
            job_id bigint NULL,
            attempt integer NOT NULL,
            error_type text NULL,
            error_message text NULL,
            element_ids text[] NOT NULL
        );
        CREATE INDEX history_entries_by_time ON {schema}.history_entries (timestamp_utc_ticks DESC, id DESC);
        CREATE INDEX history_entries_by_key ON {schema}.history_entries (track_ref, profile_id, timestamp_utc_ticks DESC, id DESC);
        CREATE INDEX history_entries_by_element ON {schema}.history_entries USING gin (element_ids);
        """;

    /// <summary>Gets every migration, oldest first; the last one's version is the schema this library writes.</summary>
    public static IReadOnlyList<PostgreSqlMigration> Migrations { get; } =
    [
        new(1, "cache metadata records", Version1),
        new(2, "regeneration history with an element index", Version2),
    ];
}
