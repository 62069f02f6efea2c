namespace AudioVis.Cache.Sqlite;

/// <summary>One forward step of the schema: the SQL that takes a database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
/// <param name="Version">The schema version after the step (<c>PRAGMA user_version</c>).</param>
/// <param name="Description">What the step does, recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements; they run in the migration's transaction.</param>
internal sealed record SqliteMigration(int Version, string Description, string Sql);

/// <summary>
/// The schema of the cache database, as the list of forward migrations that build it. A new database runs every step
/// from version 0; an older one runs the steps it lacks. Steps are never edited once shipped: a change is a new step.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The <c>PRAGMA application_id</c> of a cache database: "AVC1" in ASCII.</summary>
    public const int ApplicationId = 0x41564331;

    /// <summary>Version 1 (0.1.0-preview development): metadata records only.</summary>
    public const string Version1 = """
        PRAGMA application_id = 1096172337;
        CREATE TABLE schema_migrations (
            version INTEGER NOT NULL PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at_utc_ticks INTEGER NOT NULL
        );
        CREATE TABLE cache_metadata (
            track_ref TEXT NOT NULL,
            profile_id TEXT NOT NULL,
            descriptor_id TEXT NOT NULL,
            profile_revision_hash TEXT NOT NULL,
            parameters TEXT NULL,
            source_content_hash TEXT NOT NULL,
            calculator_id TEXT NOT NULL,
            calculator_version INTEGER NOT NULL,
            analyzed_at_utc_ticks INTEGER NOT NULL,
            analyzed_at_offset_minutes INTEGER NOT NULL,
            PRIMARY KEY (track_ref, profile_id, descriptor_id)
        ) WITHOUT ROWID;
        """;

    /// <summary>Version 2: the regeneration history, with its element ids in an indexed child table.</summary>
    public const string Version2 = """
        CREATE TABLE history_entries (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            timestamp_utc_ticks INTEGER NOT NULL,
            track_ref TEXT NOT NULL,
            profile_id TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            descriptor_ids TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            trigger TEXT NOT NULL,
            trigger_detail TEXT NULL,
            job_id INTEGER NULL,
            attempt INTEGER NOT NULL,
            error_type TEXT NULL,
            error_message TEXT NULL
        );
        CREATE INDEX history_entries_by_time ON history_entries (timestamp_utc_ticks, id);
        CREATE INDEX history_entries_by_key ON history_entries (track_ref, profile_id, timestamp_utc_ticks, id);
        CREATE TABLE history_elements (
            entry_seq INTEGER NOT NULL REFERENCES history_entries (seq) ON DELETE CASCADE,
            element_id TEXT NOT NULL,
            PRIMARY KEY (entry_seq, element_id)
        ) WITHOUT ROWID;
        CREATE INDEX history_elements_by_element ON history_elements (element_id, entry_seq);
        """;

    /// <summary>Gets every migration, oldest first; the last one's version is the schema this library writes.</summary>
    public static IReadOnlyList<SqliteMigration> Migrations { get; } =
    [
        new(1, "cache metadata records", Version1),
        new(2, "regeneration history with an element index", Version2),
    ];

    /// <summary>Gets the schema version this library writes.</summary>
    public static int LatestVersion => Migrations[^1].Version;
}
