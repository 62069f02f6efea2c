namespace AudioVis.Cache.History;

/// <summary>
/// Writes the export manifest <c>&lt;ExportsRoot&gt;/&lt;sceneId&gt;/analysis-history.json</c>: a summary of the
/// regeneration history (counts, each descriptor's last outcome, entries since the scene's previous export) followed
/// by every history entry the store keeps. See docs/export-manifest.md for the format.
/// </summary>
/// <remarks>
/// <para>The file is replaced atomically (temporary file, flush to disk, rename): a reader sees the previous manifest
/// or the new one, never a mix, and a failed or cancelled write leaves the previous manifest intact.</para>
/// <para>A scene id becomes one folder name. Ids that would leave the exports folder or that Windows cannot store
/// (<c>..</c>, rooted paths, separators, <c>&lt;&gt;:"|?*</c>, control characters, a trailing dot or space,
/// reserved device names such as <c>CON</c> or <c>lpt1.txt</c>, more than 128 characters) are rejected with an
/// <see cref="ArgumentException"/> before anything is created.</para>
/// </remarks>
public interface IExportManifestWriter
{
    /// <summary>Writes the scene's manifest now, from the history store's current entries.</summary>
    /// <param name="sceneId">The scene id: one folder name under the exports root.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write leaves the previous manifest intact.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException"><paramref name="sceneId"/> is not a valid folder name; the message quotes it and says why. Nothing is written.</exception>
    /// <exception cref="IOException">The manifest could not be written; the previous manifest is intact.</exception>
    ValueTask<ExportManifestResult> WriteAsync(string sceneId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The export hook: opens an export scope (<see cref="Regeneration.IExportCoordinator.BeginExport"/>), so no new
    /// regeneration starts while the host exports, then writes the scene's manifest, which therefore describes the
    /// caches the export renders with. Dispose the returned scope when the export ends; deferred regenerations then run.
    /// </summary>
    /// <param name="sceneId">The scene id: one folder name under the exports root.</param>
    /// <param name="cancellationToken">Cancels the write; on cancellation or failure the scope is closed before the exception propagates.</param>
    /// <returns>The export scope; disposing it more than once closes it once.</returns>
    /// <exception cref="ArgumentException"><paramref name="sceneId"/> is not a valid folder name; no scope is opened and nothing is written.</exception>
    /// <exception cref="IOException">The manifest could not be written; no scope stays open.</exception>
    ValueTask<IDisposable> BeginExportAsync(string sceneId, CancellationToken cancellationToken = default);
}
