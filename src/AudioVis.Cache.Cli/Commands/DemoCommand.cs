using System.ComponentModel;
using AudioVis.Cache.Cli.Rendering;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options of <c>demo</c>.</summary>
internal sealed class DemoSettings : CliSettings
{
    [CommandOption("--directory <DIR>")]
    [Description("Write the demo's audio, scene and cache into this folder (kept) instead of a temporary one (deleted).")]
    public string? Directory { get; init; }
}

/// <summary>
/// The demo: writes two synthetic WAV tracks and a scene into a folder and walks the whole loop on them, as the other
/// commands would: intents → banner and panel (all missing) → Regenerate All → clean → a profile parameter changes in
/// the scene → stale with reasons → selective regeneration → history → export manifest.
/// </summary>
internal sealed class DemoCommand(CliContext context) : AsyncCommand<DemoSettings>
{
    /// <summary>The demo's scene (also the tests' scene): docs/cli.md explains each field.</summary>
    internal const string SceneJson = """
        {
          "formatVersion": 1,
          "sceneId": "demo",
          "tracks": [
            { "id": "intro", "path": "audio/intro.wav" },
            { "id": "drop", "path": "audio/drop.wav" }
          ],
          "profiles": [
            { "id": "hires", "displayName": "HighRes FFT", "parameters": { "window_size": 4096, "fft_size": 4096, "hop_size": 1024 } }
          ],
          "elements": [
            { "id": "spectrum-bars", "track": "intro", "profile": "hires", "descriptors": ["spectrum.bands32@L", "spectrum.bands32@R"] },
            { "id": "pulse", "track": "intro", "profile": "hires", "descriptors": ["rms@mid", "onset.strength"] },
            { "id": "waveform", "track": "intro", "profile": "default", "descriptors": ["waveform.minmax"] },
            { "id": "strobe", "track": "drop", "profile": "default", "descriptors": ["onset.strength", "spectral.flux"] }
          ]
        }
        """;

    private IAnsiConsole Console => context.Console;

    public override async Task<int> ExecuteAsync(CommandContext commandContext, DemoSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Directory is { } given && System.IO.Directory.Exists(given) && System.IO.Directory.EnumerateFileSystemEntries(given).Any())
        {
            // The demo starts from an empty cache; it never deletes what a folder already holds.
            throw new CliInputException($"--directory '{given}' is not empty; pass a new or empty folder.");
        }

        var root = settings.Directory is { } directory ? System.IO.Directory.CreateDirectory(directory).FullName : System.IO.Directory.CreateTempSubdirectory("audiovis-demo-").FullName;
        try
        {
            return await RunAsync(root, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (settings.Directory is null)
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task<int> RunAsync(string root, CancellationToken cancellationToken)
    {
        DemoAudio.WriteChord(Path.Combine(root, "audio", "intro.wav"), 3);
        DemoAudio.WriteClicks(Path.Combine(root, "audio", "drop.wav"), 3);
        var scenePath = Path.Combine(root, "scene.json");
        await File.WriteAllTextAsync(scenePath, SceneJson, cancellationToken).ConfigureAwait(false);
        Console.MarkupLine("A scene with two tracks ([bold]audio/intro.wav[/], [bold]audio/drop.wav[/], 3 s each), the 'HighRes FFT' and 'default' analysis profiles, and four elements: [bold]scene.json[/].");
        Console.WriteLine();

        var session = await OpenAsync(scenePath, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            Step(1, "Elements publish their analysis intents");
            foreach (var intent in session.Scene!.Intents)
            {
                Console.MarkupLineInterpolated($"  [grey]{intent}[/]");
            }

            Step(2, "The banner and the diagnostics panel: nothing is cached yet");
            await ShowAsync(session, cancellationToken).ConfigureAwait(false);

            Step(3, "Regenerate All: one pass per track and profile");
            if (await RegenerateAsync(session, () => session.Queue.RegenerateAll(session.Diffs), cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            Step(4, "The cache is clean");
            await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
            BannerRenderer.Render(Console, session.Banner.Current);
        }

        Step(5, "scene.json: the 'HighRes FFT' profile's hop_size changes from 1024 to 512");
        await File.WriteAllTextAsync(scenePath, SceneJson.Replace("\"hop_size\": 1024", "\"hop_size\": 512", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        session = await OpenAsync(scenePath, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await ShowAsync(session, cancellationToken).ConfigureAwait(false);

            Step(6, "Selective regeneration: only spectrum.bands32@L (the panel's Regenerate on one row)");
            var bandsLeft = DescriptorId.Parse("spectrum.bands32@L");
            var diff = session.Diffs.Single(d => d.Stale.Contains(bandsLeft));
            if (await RegenerateAsync(session, () => [session.Queue.Regenerate(diff, bandsLeft)], cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
            await ShowAsync(session, cancellationToken).ConfigureAwait(false);
        }

        // Closing the session flushes the history (appended in batches) and closes the database, as a command's exit does.
        session = await OpenAsync(scenePath, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            Step(7, "History: every regeneration, read back from the cache's SQLite database");
            var page = await session.History.QueryAsync(HistoryQuery.All, cancellationToken).ConfigureAwait(false);
            // Jobs of different tracks run in parallel; a stable order keeps the demo's output reproducible.
            var entries = page.Entries
                .OrderBy(e => e.Key).ThenBy(e => e.Action).ThenByDescending(e => e.DescriptorIds.Count).ThenBy(e => string.Join(" ", e.DescriptorIds), StringComparer.Ordinal)
                .ToArray();
            HistoryRenderer.Render(Console, entries, showDurations: false);

            Step(8, "Export manifest");
            var manifest = await ExportCommand.WriteManifestAsync(session, session.Scene!, cancellationToken).ConfigureAwait(false);
            var relative = Path.GetRelativePath(root, manifest.Path).Replace(Path.DirectorySeparatorChar, '/');
            Console.MarkupLineInterpolated($"Wrote [bold]{relative}[/]: {manifest.EntryCount} history entries.");
        }

        Console.WriteLine();
        Console.MarkupLine("The same on your own scene: [bold]audiovis-cache status|regenerate|check|history|export <scene.json>[/] (docs/cli.md).");
        return ExitCodes.Success;
    }

    private async Task<CacheSession> OpenAsync(string scenePath, CancellationToken cancellationToken) =>
        await CacheSession.OpenAsync(context, SceneLoader.Load(scenePath, context.TimeProvider.GetUtcNow()), null, null, cancellationToken).ConfigureAwait(false);

    private async Task ShowAsync(CacheSession session, CancellationToken cancellationToken)
    {
        BannerRenderer.Render(Console, session.Banner.Current);
        PanelRenderer.Render(Console, await session.GetPanelAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <returns>The exit code to stop with, or <see langword="null"/> when every job succeeded.</returns>
    private async Task<int?> RegenerateAsync(CacheSession session, Func<IReadOnlyList<Regeneration.RegenerationTicket>> enqueue, CancellationToken cancellationToken)
    {
        var outcomes = await RegenerationRunner.RunAsync(context, session, enqueue, liveLines: false, cancellationToken).ConfigureAwait(false);
        return outcomes switch
        {
            null => ExitCodes.Cancelled,
            _ when outcomes.All(o => o.Succeeded) => null,
            _ => ExitCodes.Failure,
        };
    }

    private void Step(int number, string title)
    {
        Console.WriteLine();
        Console.Write(new Rule($"[bold]{number}. {Markup.Escape(title)}[/]").LeftJustified());
    }
}
