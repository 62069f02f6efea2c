using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Benchmarks.Diffing;

/// <summary>
/// 50 tracks × 3 profiles, N elements spread over the 150 groups, each element requesting 2–4 descriptors; the
/// store holds a mix of current, stale and extraneous entries. Every element has two prebuilt intents (A and B)
/// so a "changing" element alternates between them without allocating in the measured loop.
/// </summary>
internal sealed class FrameWorkload : IDisposable
{
    public const int Tracks = 50;

    private static readonly string[][] DescriptorSets =
    [
        ["spectrum.bands32@L", "spectrum.bands32@R"],
        ["rms@mid", "onset.strength", "peak"],
        ["spectral.centroid", "spectral.flux", "mfcc", "chroma"],
        ["waveform.minmax", "rms"],
    ];

    private readonly ServiceProvider _provider;
    private int _cursor;

    /// <param name="elementCount">The number of elements.</param>
    /// <param name="configure">
    /// Further configuration of the services (audio root, source identity). By default source identity is off: the workload's
    /// track references are not files, and these benchmarks measure intents and diffing, not the track source monitor.
    /// </param>
    /// <param name="sourceHashOf">The source content hash the seeded records carry for a track; a fixed placeholder by default.</param>
    public FrameWorkload(int elementCount, Action<IAudioVisCacheBuilder>? configure = null, Func<string, string>? sourceHashOf = null)
    {
        var profiles = new[]
        {
            AnalysisProfile.Default,
            new AnalysisProfile("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }),
            new AnalysisProfile("lores", AnalysisParameters.Default with { WindowSize = 1024, FftSize = 1024, HopSize = 256 }),
        };
        var services = new ServiceCollection();
        var builder = services.AddAudioVisCache(o =>
        {
            o.IncludeDefaultProfile = false;
            foreach (var profile in profiles)
            {
                o.Profiles.Add(profile);
            }
        });
        if (configure is null)
        {
            builder.ConfigureSourceIdentity(o => o.Enabled = false);
        }
        else
        {
            configure(builder);
        }
        _provider = services.BuildServiceProvider();
        Bus = _provider.GetRequiredService<IAnalysisIntentBus>();
        Scheduler = _provider.GetRequiredService<IDiffScheduler>();
        Differ = _provider.GetRequiredService<ICacheDiffer>();
        var store = _provider.GetRequiredService<ICacheMetadataStore>();
        var at = new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);

        IntentsA = new AnalysisIntent[elementCount];
        IntentsB = new AnalysisIntent[elementCount];
        for (var i = 0; i < elementCount; i++)
        {
            var track = $"tracks/track-{i % Tracks:D2}.wav";
            var profile = profiles[i / Tracks % profiles.Length].Id;
            IntentsA[i] = AnalysisIntent.Create($"element-{i:D5}", track, profile, DescriptorSets[i % DescriptorSets.Length], at);
            IntentsB[i] = AnalysisIntent.Create($"element-{i:D5}", track, profile, DescriptorSets[(i + 1) % DescriptorSets.Length], at);
        }

        // Seed: per group, the first descriptor set is cached (current), the second with old parameters (stale),
        // plus one extraneous entry.
        foreach (var profile in profiles)
        {
            var older = profile.Parameters with { HopSize = profile.Parameters.HopSize / 2 };
            for (var t = 0; t < Tracks; t++)
            {
                var key = new CacheKey($"tracks/track-{t:D2}.wav", profile.Id);
                var sourceHash = sourceHashOf?.Invoke(key.TrackRef) ?? "pcm-sha256:bench";
                var records = new List<CacheMetadataRecord>();
                foreach (var id in DescriptorSets[0])
                {
                    records.Add(Record(key, id, profile.Parameters, sourceHash, at));
                }

                foreach (var id in DescriptorSets[1])
                {
                    records.Add(Record(key, id, older, sourceHash, at));
                }

                records.Add(Record(key, "spectrum.db@side", profile.Parameters, sourceHash, at));
                store.UpsertAsync(key, records).AsTask().GetAwaiter().GetResult();
            }
        }

        Held = [.. IntentsA];
        foreach (var intent in Held)
        {
            Bus.Publish(intent);
        }

        Scheduler.RunFrameAsync().AsTask().GetAwaiter().GetResult();
        Groups = Bus.GetIntents().GroupBy(i => i.Key).Select(g => (g.Key, (IReadOnlyCollection<AnalysisIntent>)g.ToArray())).ToArray();
    }

    /// <summary>Gets the services (for the source identity benchmarks, which reach the monitor and the scheduler's internals).</summary>
    public IServiceProvider Services => _provider;

    public IAnalysisIntentBus Bus { get; }

    public IDiffScheduler Scheduler { get; }

    public ICacheDiffer Differ { get; }

    public AnalysisIntent[] IntentsA { get; }

    public AnalysisIntent[] IntentsB { get; }

    /// <summary>Gets the intent each element currently holds (what it re-publishes every frame).</summary>
    public AnalysisIntent[] Held { get; }

    public (CacheKey Key, IReadOnlyCollection<AnalysisIntent> Intents)[] Groups { get; }

    /// <summary>Flips what <paramref name="count"/> elements (round robin) hold between their A and B intents; they publish it in the frame loop.</summary>
    public void ChangeElements(int count)
    {
        for (var n = 0; n < count; n++)
        {
            var i = _cursor++ % IntentsA.Length;
            Held[i] = ReferenceEquals(Held[i], IntentsA[i]) ? IntentsB[i] : IntentsA[i];
        }
    }

    public void Dispose() => _provider.Dispose();

    private static CacheMetadataRecord Record(CacheKey key, string descriptor, AnalysisParameters parameters, string sourceHash, DateTimeOffset at)
    {
        var id = DescriptorId.Parse(descriptor);
        DescriptorCatalog.Default.TryGetDefinition(id, out var definition);
        return new CacheMetadataRecord(key, id, ProfileRevisionHash.Compute(parameters), parameters, sourceHash, definition!.CalculatorId, definition.CalculatorVersion, at);
    }
}
