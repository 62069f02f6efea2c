using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>Options of <c>services.AddAudioVisCache(...)</c>.</summary>
public sealed class AudioVisCacheOptions
{
    /// <summary>Gets the analysis profiles registered at start-up, in addition to <see cref="AnalysisProfile.Default"/> when <see cref="IncludeDefaultProfile"/> is set.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<AnalysisProfile> Profiles { get; } = [];

    /// <summary>Gets or sets a value indicating whether the built-in <c>default</c> profile is registered.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeDefaultProfile { get; set; } = true;

    /// <summary>
    /// Gets or sets the folder the default <see cref="Analysis.ITrackAudioResolver"/> resolves track references in: a track
    /// reference is a path relative to it, and references that resolve outside it are rejected. A relative folder is
    /// relative to the current directory at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the current directory at start-up.</value>
    public string? AudioRoot { get; set; }

    /// <summary>
    /// Gets or sets the folder feature blobs are stored in (a <c>FileSystemFeatureStore</c>); when <see langword="null"/>,
    /// blobs are kept in memory (an <c>InMemoryFeatureStore</c>, like the default in-memory metadata store).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: blobs in memory.</value>
    public string? FeatureCacheRoot { get; set; }

    /// <summary>
    /// Gets or sets how old (since its last write) a temporary file in <see cref="FeatureCacheRoot"/> must be before
    /// <see cref="Storage.ICacheMaintenance.SweepTempFilesAsync"/> removes it when it cannot tell that its writer has ended:
    /// another machine's file on a shared folder, or one of an older library version. A file of this machine whose process
    /// no longer runs is removed at once, whatever its age. A writer appends at least every 64 KiB, so a running writer's
    /// file is never this old; the margin also covers clock skew between the machines and the file server.
    /// </summary>
    /// <value>The default value is 24 hours; at least 1 minute.</value>
    public TimeSpan TempFileMaxAge { get; set; } = DefaultTempFileMaxAge;

    /// <summary>The default <see cref="TempFileMaxAge"/>: 24 hours.</summary>
    public static readonly TimeSpan DefaultTempFileMaxAge = TimeSpan.FromHours(24);

    /// <summary>The smallest <see cref="TempFileMaxAge"/>: 1 minute.</summary>
    public static readonly TimeSpan MinTempFileMaxAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the folder export manifests are written under (<see cref="History.IExportManifestWriter"/>): the
    /// manifest of scene <c>s</c> is <c>&lt;ExportsRoot&gt;/s/analysis-history.json</c>. A relative folder is relative to
    /// the current directory at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>exports</c> under the current directory at start-up.</value>
    public string? ExportsRoot { get; set; }

    /// <summary>
    /// Gets or sets the JSON file the diagnostics panel's sort and filter are kept in. A relative path is relative to the
    /// current directory at start-up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>AudioVis.Cache/diagnostics-preferences.json</c> in the user's application data folder.</value>
    public string? DiagnosticsPreferencesPath { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the library records telemetry (the privacy option): the counters, the duration
    /// histogram and the analysis activity named in <c>AudioVisCacheDiagnostics</c>. When off, no instrument is created and no
    /// activity is started. The meter comes from the host's <c>IMeterFactory</c> when one is registered.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: nothing is recorded.</value>
    public bool EnableTelemetry { get; set; }

    /// <summary>
    /// Gets or sets how much memory one analysis may use for its output buffers and blob writers, on top of the process:
    /// outputs are streamed to the feature store in frame chunks, so this bounds an analysis whatever the track's length
    /// (with a file feature store; an in-memory store keeps every value it is given). A quarter goes to the output buffers
    /// (at most 32 frames of every output, at least one); each blob being written holds about 64 KiB more.
    /// </summary>
    /// <value>The default value is 128 MiB (134,217,728 bytes); at least 1 MiB.</value>
    public long AnalysisMemoryBudgetBytes { get; set; } = Analysis.AnalysisMemory.DefaultBudgetBytes;

    /// <summary>
    /// Gets or sets how many threads one analysis may use: the channels of a request (L, R, mid, side, ...) compute their
    /// descriptors in parallel, up to this many at once. The bytes written are the same for every value (each descriptor
    /// still sees its frames in order). The regeneration queue also runs analyses of different tracks in parallel
    /// (<see cref="Regeneration.RegenerationOptions.MaxDegreeOfParallelism"/>); keep the product near the core count.
    /// </summary>
    /// <value>The default value is 1: an analysis runs on one thread. From 1 to <see cref="MaxAnalysisDegreeOfParallelism"/>.</value>
    public int AnalysisDegreeOfParallelism { get; set; } = 1;

    /// <summary>The largest <see cref="AnalysisDegreeOfParallelism"/>.</summary>
    public const int MaxAnalysisDegreeOfParallelism = 64;
}
