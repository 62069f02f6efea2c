using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Reliability.ChildProcess;

/// <summary>
/// The other process of the reliability suite. Command:
/// <c>regenerate &lt;audioRoot&gt; &lt;featureRoot&gt;</c> regenerates the track's descriptors (real analyzer, SQLite
/// metadata and history, file feature store) and appends a history entry of its own, over and over until it is killed.
/// It prints <c>READY</c> once the stores are open and <c>ACK &lt;id&gt;</c> once each of its history appends has returned.
/// Prints <c>FAIL ...</c> and exits 1 on any error. The shared-folder commands (<c>shared-writer</c>, <c>shared-hold</c>)
/// are described in <see cref="SharedFolderCommands"/>.
/// </summary>
internal static class Program
{
    /// <summary>The track the test writes before starting the process.</summary>
    private const string Track = "tone.wav";

    /// <summary>The element the process's own history entries name.</summary>
    private const string Element = "crash-loop";

    private static readonly string[] Descriptors = ["spectrum.bands32@L", "rms@mid", "onset.strength", "zcr"];

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["regenerate", var audio, var features] => await RegenerateForeverAsync(audio, features).ConfigureAwait(false),
                ["shared-writer", var folder, var seed, var count] =>
                    await SharedFolderCommands.WriteAsync(folder, int.Parse(seed, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture)).ConfigureAwait(false),
                ["shared-hold", var folder, var seed] => await SharedFolderCommands.HoldAsync(folder, int.Parse(seed, CultureInfo.InvariantCulture)).ConfigureAwait(false),
                _ => Fail($"unknown command: {string.Join(' ', args)}"),
            };
        }
        catch (Exception ex)
        {
            return Fail(ex.ToString());
        }
    }

    private static int Fail(string message)
    {
        Console.WriteLine($"FAIL {message}");
        return 1;
    }

    /// <summary>SQLite next to the blobs, no history pruning (the test reopens with the same settings).</summary>
    private static ServiceProvider Build(string audioRoot, string featureRoot)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o =>
        {
            o.AudioRoot = audioRoot;
            o.FeatureCacheRoot = featureRoot;
        })
            .UseSqlite()
            .ConfigureHistory(h =>
            {
                h.MaxEntries = 10_000_000;
                h.MaxAge = TimeSpan.FromDays(3650);
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static async Task<int> RegenerateForeverAsync(string audioRoot, string featureRoot)
    {
        var provider = Build(audioRoot, featureRoot);
        await using (provider.ConfigureAwait(false))
        {
            // Resolving the stores opens (creates, migrates) the database.
            var history = provider.GetRequiredService<IHistoryStore>();
            _ = provider.GetRequiredService<ICacheMetadataStore>();
            var queue = provider.GetRequiredService<IRegenerationQueue>();
            var time = provider.GetRequiredService<TimeProvider>();
            var key = new CacheKey(Track, AnalysisProfile.DefaultId);
            var descriptors = Descriptors.Select(DescriptorId.Parse).ToArray();
            Console.WriteLine("READY");
            for (var round = 0; ; round++)
            {
                var outcome = await queue.RegenerateAsync(new RegenerationRequest(key, descriptors, RegenerationReason.Manual, [Element])).ConfigureAwait(false);
                if (!outcome.Succeeded)
                {
                    return Fail($"regeneration failed: {outcome.Status} {outcome.Error}");
                }

                var entry = new HistoryEntry(
                    HistoryEntry.NewId(time), time.GetUtcNow(), key, HistoryAction.ManualRegenerate, descriptors, HistoryStatus.Success, round, [Element], jobId: round + 1);
                await history.AppendAsync([entry]).ConfigureAwait(false);
                Console.WriteLine($"ACK {entry.Id}");
            }
        }
    }
}
