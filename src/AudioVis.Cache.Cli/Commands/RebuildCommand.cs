using AudioVis.Cache.Cli.Rendering;
using AudioVis.Cache.Cli.Scenes;
using Spectre.Console;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>
/// <c>rebuild &lt;scene&gt;</c>: rebuilds the metadata database from the feature blobs (after the database was lost or
/// replaced, or cannot be used: it is set aside as <c>audiovis-cache.db.unusable-…</c>): every blob verified, corrupt ones quarantined, records written or removed to match.
/// </summary>
internal sealed class RebuildCommand(CliContext context) : SceneCommand<SceneSettings>(context)
{
    // A corrupt or foreign database is renamed to <name>.unusable-<time> (never deleted) and the blobs fill a new one.
    protected override bool RebuildsUnusableDatabase => true;

    protected override async Task<int> RunAsync(CacheSession session, Scene scene, SceneSettings settings, CancellationToken cancellationToken)
    {
        var report = await session.Maintenance.RebuildMetadataAsync(cancellationToken).ConfigureAwait(false);
        Context.Console.MarkupLineInterpolated(
            $"Rebuilt the metadata from the blobs: {report.BlobsScanned} blobs scanned, {report.RecordsWritten} records written, {report.RecordsRemoved} removed, {report.Keys.Count} track · profile groups.");
        if (report.TempFiles.Removed > 0)
        {
            Context.Console.MarkupLineInterpolated($"Removed {report.TempFiles.Removed} temporary files left by writers that ended mid-write.");
        }

        foreach (var blob in report.QuarantinedBlobs)
        {
            Context.Console.MarkupLineInterpolated($"[red]Quarantined[/] {blob}");
        }

        await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
        BannerRenderer.Render(Context.Console, session.Banner.Current);
        return ExitCodes.Success;
    }
}
