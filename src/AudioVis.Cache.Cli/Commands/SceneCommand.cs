using AudioVis.Cache.Cli.Cluster;
using AudioVis.Cache.Cli.Scenes;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Loads the scene, opens its cache (intents published, first frame diffed), runs the command, and closes the cache.</summary>
internal abstract class SceneCommand<TSettings>(CliContext context) : AsyncCommand<TSettings>
    where TSettings : SceneSettings
{
    protected CliContext Context => context;

    public sealed override async Task<int> ExecuteAsync(CommandContext commandContext, TSettings settings, CancellationToken cancellationToken)
    {
        var cluster = ClusterOf(settings);
        var scene = SceneLoader.Load(settings.Scene, context.TimeProvider.GetUtcNow());
        var session = await CacheSession.OpenAsync(context, scene, settings.CacheDirectory, ExportsDirectory(settings), cancellationToken, RebuildsUnusableDatabase, cluster).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return await RunAsync(session, scene, settings, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets a value indicating whether a database the library cannot use is set aside and replaced by a new, empty one.</summary>
    protected virtual bool RebuildsUnusableDatabase => false;

    protected virtual string? ExportsDirectory(TSettings settings) => null;

    /// <summary>The cluster whose database and workers the command uses instead of the cache folder's database and this process; <see langword="null"/> for none.</summary>
    protected virtual ClusterConnection? ClusterOf(TSettings settings) => null;

    protected abstract Task<int> RunAsync(CacheSession session, Scene scene, TSettings settings, CancellationToken cancellationToken);
}
