using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.History;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using NAudio.Wave;

namespace AudioVis.Cache.Sqlite.ChildProcess;

/// <summary>
/// The other process of the SQLite tests. Commands:
/// <c>analyse &lt;audioRoot&gt; &lt;featureRoot&gt;</c> writes a tone, publishes intents, regenerates everything and exits;
/// <c>verify &lt;audioRoot&gt; &lt;featureRoot&gt;</c> starts fresh, publishes the same intents and checks the diff is clean;
/// <c>hammer &lt;databasePath&gt; &lt;writer&gt; &lt;batches&gt; &lt;entries&gt;</c> writes records and history as fast as it can.
/// Prints <c>OK ...</c> and exits 0 on success; prints <c>FAIL ...</c> and exits 1 otherwise.
/// </summary>
internal static class Program
{
    public const string Track = "tone.wav";

    private static readonly (string Element, string[] Descriptors)[] Intents =
    [
        ("bars", ["spectrum.bands32@L", "rms@mid"]),
        ("pulse", ["rms@mid", "onset.strength"]),
        ("meter", ["zcr"]),
    ];

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["analyse", var audio, var features] => await AnalyseAsync(audio, features).ConfigureAwait(false),
                ["verify", var audio, var features] => await VerifyAsync(audio, features).ConfigureAwait(false),
                ["hammer", var path, var writer, var batches, var entries] => await HammerAsync(path, writer, Parse(batches), Parse(entries)).ConfigureAwait(false),
                _ => Fail($"unknown command: {string.Join(' ', args)}"),
            };
        }
        catch (Exception ex)
        {
            return Fail(ex.ToString());
        }
    }

    private static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static int Fail(string message)
    {
        Console.WriteLine($"FAIL {message}");
        return 1;
    }

    private static ServiceProvider Build(string audioRoot, string featureRoot)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = audioRoot;
            o.FeatureCacheRoot = featureRoot;
        }).UseSqlite();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static void Publish(IServiceProvider provider)
    {
        var bus = provider.GetRequiredService<IAnalysisIntentBus>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var (element, descriptors) in Intents)
        {
            bus.Publish(AnalysisIntent.Create(element, Track, AnalysisProfile.DefaultId, descriptors, now));
        }
    }

    private static async Task<int> AnalyseAsync(string audioRoot, string featureRoot)
    {
        Directory.CreateDirectory(audioRoot);
        using (var writer = new WaveFileWriter(Path.Combine(audioRoot, Track), WaveFormat.CreateIeeeFloatWaveFormat(44100, 2)))
        {
            var frame = new float[2];
            for (var i = 0; i < 44100 * 3; i++)
            {
                frame[0] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 44100f);
                frame[1] = 0.25f * MathF.Sin(2 * MathF.PI * 660 * i / 44100f);
                writer.WriteSamples(frame, 0, 2);
            }
        }

        var provider = Build(audioRoot, featureRoot);
        await using (provider.ConfigureAwait(false))
        {
            Publish(provider);
            var scheduler = provider.GetRequiredService<IDiffScheduler>();
            var diff = (await scheduler.RunFrameAsync().ConfigureAwait(false)).Single();
            if (diff.Missing.Count != 4)
            {
                return Fail($"expected 4 missing descriptors in a fresh cache, got {diff.Missing.Count}");
            }

            var queue = provider.GetRequiredService<IRegenerationQueue>();
            var outcomes = await Task.WhenAll(queue.RegenerateAll(scheduler.GetLatestDiffs()).Select(t => t.Completion)).ConfigureAwait(false);
            if (outcomes.Any(o => !o.Succeeded))
            {
                return Fail("regeneration failed: " + string.Join("; ", outcomes.Select(o => $"{o.Status} {o.Error?.Message}")));
            }

            var records = await provider.GetRequiredService<ICacheMetadataStore>().GetRecordsAsync(diff.Key).ConfigureAwait(false);
            Console.WriteLine($"OK analysed {records.Count} records: {string.Join(", ", records.Select(r => r.Descriptor))}");
        }

        return 0;
    }

    private static async Task<int> VerifyAsync(string audioRoot, string featureRoot)
    {
        var provider = Build(audioRoot, featureRoot);
        await using (provider.ConfigureAwait(false))
        {
            Publish(provider);
            var diff = (await provider.GetRequiredService<IDiffScheduler>().RunFrameAsync().ConfigureAwait(false)).Single();
            var records = await provider.GetRequiredService<ICacheMetadataStore>().GetRecordsAsync(diff.Key).ConfigureAwait(false);
            var history = await provider.GetRequiredService<IHistoryStore>().QueryAsync(HistoryQuery.All).ConfigureAwait(false);
            var summary = $"records={records.Count} current={diff.Current.Count} missing={diff.Missing.Count} stale={diff.Stale.Count} history={history.Entries.Count} " +
                $"historyStatus={string.Join(",", history.Entries.Select(e => HistoryWireNames.Of(e.Status)))} historyDescriptors={string.Join(",", history.Entries.SelectMany(e => e.DescriptorIds))} " +
                $"historyElements={string.Join(",", history.Entries.SelectMany(e => e.ElementIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}";
            return diff.RequiresRegeneration || records.Count != 4 || diff.Current.Count != 4 || history.Entries.Count == 0
                ? Fail(summary)
                : Ok(summary);
        }
    }

    private static async Task<int> HammerAsync(string databasePath, string writer, int batches, int entries)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseSqlite(o => o.DatabasePath = databasePath).ConfigureHistory(h => h.MaxEntries = 1_000_000);
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var store = provider.GetRequiredService<ICacheMetadataStore>();
            var history = provider.GetRequiredService<IHistoryStore>();
            var time = provider.GetRequiredService<TimeProvider>();
            var key = new CacheKey($"tracks/{writer}.wav", AnalysisProfile.DefaultId);
            var parameters = AnalysisParameters.Default;
            var revision = ProfileRevisionHash.Compute(parameters);
            for (var b = 0; b < batches; b++)
            {
                // Each batch replaces 4 records and adds one of its own, so the final state names every batch.
                var records = Enumerable.Range(0, 4)
                    .Select(i => new CacheMetadataRecord(key, DescriptorId.Parse($"spectrum.bands{i + 1}"), revision, parameters, $"batch-{b}", "spectrum", 1, time.GetUtcNow()))
                    .Append(new CacheMetadataRecord(key, DescriptorId.Parse($"batch.b{b}"), revision, null, $"batch-{b}", "custom", b, time.GetUtcNow()))
                    .ToArray();
                await store.UpsertAsync(key, records).ConfigureAwait(false);
            }

            const int PerAppend = 5;
            for (var e = 0; e < entries; e += PerAppend)
            {
                var batch = Enumerable.Range(e, Math.Min(PerAppend, entries - e))
                    .Select(i => new HistoryEntry(
                        HistoryEntry.NewId(time),
                        time.GetUtcNow(),
                        key,
                        HistoryAction.ManualRegenerate,
                        [DescriptorId.Parse("rms")],
                        HistoryStatus.Success,
                        i,
                        [$"writer-{writer}"],
                        jobId: i + 1))
                    .ToArray();
                await history.AppendAsync(batch).ConfigureAwait(false);
            }
        }

        return Ok($"writer {writer}: {batches} batches, {entries} history entries");
    }

    private static int Ok(string message)
    {
        Console.WriteLine($"OK {message}");
        return 0;
    }
}
