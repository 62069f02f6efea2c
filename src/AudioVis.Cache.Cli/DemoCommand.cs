using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AudioVis.Cache.Cli;

/// <summary>
/// The demo: a host with four visual elements publishes intents against a cache seeded with entries of every
/// kind (current, computed with older profile parameters, by an older calculator, no longer requested), edits a
/// profile and an element, then regenerates everything that is missing or stale from synthetic audio, and shows
/// what the library reports after each step.
/// </summary>
internal static class DemoCommand
{
    private const string Intro = "tracks/intro.wav";
    private const string Drop = "tracks/drop.ogg";

    public static async Task RunAsync(IAnsiConsole console, CancellationToken cancellationToken)
    {
        var hiRes = new AnalysisProfile("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }, "HighRes FFT");
        var services = new ServiceCollection();
        var audio = new DemoAudio();
        services.AddSingleton<ITrackAudioResolver>(audio);
        services.AddAudioVisCache(o => o.Profiles.Add(hiRes));
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ICacheMetadataStore>();
        var timebase = provider.GetRequiredService<IProjectTimebase>();
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        var scheduler = provider.GetRequiredService<IDiffScheduler>();
        var profiles = provider.GetRequiredService<IAnalysisProfileRegistry>();

        var monitor = provider.GetRequiredService<ITrackSourceMonitor>();
        await SeedCacheAsync(store, audio, hiRes, timebase.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        console.Write(new Rule("[bold]1. Elements publish their analysis intents[/]").LeftJustified());
        var now = timebase.GetUtcNow();
        AnalysisIntent[] intents =
        [
            AnalysisIntent.Create("spectrum-bars", Intro, "hires", ["spectrum.bands32@L", "spectrum.bands32@R"], now),
            AnalysisIntent.Create("pulse", Intro, "hires", ["rms@mid", "onset.strength"], now),
            AnalysisIntent.Create("waveform", Intro, AnalysisProfile.DefaultId, ["waveform.minmax"], now),
            AnalysisIntent.Create("strobe", Drop, AnalysisProfile.DefaultId, ["onset.strength", "spectral.flux", "beat.phase"], now),
        ];
        foreach (var intent in intents)
        {
            bus.Publish(intent);
            console.MarkupLineInterpolated($"  [grey]{intent}[/]");
        }

        await RenderFrameAsync(console, scheduler, monitor, profiles, cancellationToken).ConfigureAwait(false);

        console.Write(new Rule("[bold]2. Next frame, nothing changed: memoized, no diff re-published[/]").LeftJustified());
        var emitted = intents.Count(bus.Publish);
        console.MarkupLineInterpolated($"  re-published {intents.Length} unchanged intents → {emitted} emitted");
        await RenderFrameAsync(console, scheduler, monitor, profiles, cancellationToken).ConfigureAwait(false);

        console.Write(new Rule("[bold]3. The 'HighRes FFT' profile's hop changes; the pulse element drops onset.strength[/]").LeftJustified());
        profiles.Replace(new AnalysisProfile("hires", hiRes.Parameters with { HopSize = 512 }, hiRes.DisplayName));
        bus.Publish(AnalysisIntent.Create("pulse", Intro, "hires", ["rms@mid"], timebase.GetUtcNow()));
        await RenderFrameAsync(console, scheduler, monitor, profiles, cancellationToken).ConfigureAwait(false);

        console.Write(new Rule("[bold]4. Regenerate All: the queue recomputes exactly the missing and stale descriptors[/]").LeftJustified());
        var queue = provider.GetRequiredService<IRegenerationQueue>();
        var outcomes = await Task.WhenAll(queue.RegenerateAll(scheduler.GetLatestDiffs()).Select(t => t.Completion)).ConfigureAwait(false);
        var jobs = new Table().Border(TableBorder.Rounded).AddColumn("Track · profile").AddColumn("Descriptors analysed in one pass").AddColumn("Status");
        foreach (var outcome in outcomes.OrderBy(o => o.Key))
        {
            jobs.AddRow(
                Markup.Escape(outcome.Key.ToString()),
                Markup.Escape(string.Join(", ", outcome.Descriptors)),
                outcome.Succeeded ? "[green]Succeeded[/]" : Markup.Escape($"{outcome.Status}: {outcome.Error?.Message}"));
        }

        console.Write(jobs);
        await RenderFrameAsync(console, scheduler, monitor, profiles, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RenderFrameAsync(IAnsiConsole console, IDiffScheduler scheduler, ITrackSourceMonitor monitor, IAnalysisProfileRegistry profiles, CancellationToken cancellationToken)
    {
        // A host's frame loop never waits; the demo does, so each frame shows what the monitor found out about the sources.
        await monitor.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        var diffs = await scheduler.RunFrameAsync(cancellationToken).ConfigureAwait(false);
        console.MarkupLineInterpolated($"  frame published [bold]{diffs.Count}[/] diff(s)");
        foreach (var diff in diffs)
        {
            DiffRenderer.Render(console, diff, profiles);
        }

        console.WriteLine();
    }

    // The seeded entries were computed from the demo's audio as it is, so their source is current.
    private static async Task SeedCacheAsync(ICacheMetadataStore store, DemoAudio audio, AnalysisProfile hiRes, DateTimeOffset analyzedAt, CancellationToken cancellationToken)
    {
        var introHash = await HashAsync(audio, Intro, cancellationToken).ConfigureAwait(false);
        var dropHash = await HashAsync(audio, Drop, cancellationToken).ConfigureAwait(false);
        var introHiRes = new CacheKey(Intro, hiRes.Id);
        var olderHiRes = hiRes.Parameters with { FftSize = 8192 };
        await store.UpsertAsync(
            introHiRes,
            [
                Record(introHiRes, "spectrum.bands32@L", hiRes.Parameters, introHash, analyzedAt: analyzedAt),
                Record(introHiRes, "spectrum.bands32@R", olderHiRes, introHash, analyzedAt: analyzedAt),
                Record(introHiRes, "rms@mid", hiRes.Parameters, introHash, 0, analyzedAt),
                Record(introHiRes, "spectrum.db@side", hiRes.Parameters, introHash, analyzedAt: analyzedAt),
            ],
            cancellationToken).ConfigureAwait(false);

        var dropDefault = new CacheKey(Drop, AnalysisProfile.DefaultId);
        await store.UpsertAsync(dropDefault, [Record(dropDefault, "spectral.flux", AnalysisParameters.Default, dropHash, analyzedAt: analyzedAt)], cancellationToken).ConfigureAwait(false);
    }

    // A null calculator version records the current one.
    private static async Task<string> HashAsync(DemoAudio audio, string trackRef, CancellationToken cancellationToken)
    {
        using var source = audio.Open(trackRef);
        return await AudioContentHasher.ComputeAsync(source, cancellationToken).ConfigureAwait(false);
    }

    private static CacheMetadataRecord Record(CacheKey key, string descriptor, AnalysisParameters parameters, string sourceHash, int? calculatorVersion = null, DateTimeOffset analyzedAt = default)
    {
        var id = DescriptorId.Parse(descriptor);
        DescriptorCatalog.Default.TryGetDefinition(id, out var definition);
        return new CacheMetadataRecord(
            key, id, ProfileRevisionHash.Compute(parameters), parameters, sourceHash, definition!.CalculatorId, calculatorVersion ?? definition.CalculatorVersion, analyzedAt);
    }
}
