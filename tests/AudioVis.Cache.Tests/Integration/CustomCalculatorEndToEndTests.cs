using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Analysis;
using AudioVis.Cache.Tests.Analysis.Calculators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Integration;

/// <summary>
/// Issue #9, item 9: a calculator registered by the host runs in the analyzer's single pass with the built-ins, is in the
/// catalogue (Missing, not Unknown), and its version counts for staleness. End to end: intent → diff → regenerate → sample.
/// </summary>
public sealed class CustomCalculatorEndToEndTests
{
    private const string Track = "tone.wav";
    private const int SampleRate = 44100;
    private static readonly DescriptorId Custom = DescriptorId.Parse("custom.mean_magnitude");
    private static readonly DescriptorId Rms = DescriptorId.Parse("rms");
    private static readonly CacheKey Key = new(Track, AnalysisProfile.DefaultId);

    [Test]
    public async Task HostCalculator_RunsWithTheBuiltIns_IsSampled_AndItsVersionMakesTheEntryStale()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var signal = WriteWav(Path.Combine(folder.Path, Track));
        var metadata = new InMemoryCacheMetadataStore();
        var features = new InMemoryFeatureStore();
        var resolver = new CountingResolver(new FileSystemTrackAudioResolver(folder.Path));

        CacheDiff missing, current;
        RegenerationOutcome outcome;
        int monitorDecodes;
        await using (var v1 = Build(metadata, features, resolver, new MeanMagnitudeCalculator(version: 1)))
        {
            var scheduler = v1.GetRequiredService<IDiffScheduler>();
            var queue = v1.GetRequiredService<IRegenerationQueue>();
            var monitor = v1.GetRequiredService<TrackSourceMonitor>();
            Publish(v1, Custom, Rms);
            await monitor.WhenIdleAsync();
            missing = (await scheduler.RunFrameAsync()).Single();
            outcome = await queue.RegenerateAll([missing]).Single().Completion;
            current = (await scheduler.RunFrameAsync()).Single();
            monitorDecodes = monitor.DecodeCount;
        }

        Assert.Multiple(() =>
        {
            Assert.That(missing.Unknown, Is.Empty, "the catalogue knows the host's descriptor");
            Assert.That(missing.Missing, Is.EqualTo(new[] { Custom, Rms }));
            Assert.That(outcome.Succeeded, Is.True, () => $"{outcome.Status}: {outcome.Error}");
            Assert.That(monitorDecodes, Is.EqualTo(1), "the source monitor hashed the new track once");
            Assert.That(resolver.Opens - monitorDecodes, Is.EqualTo(1), "the custom and built-in descriptors share one decode and one STFT pass");
            Assert.That(current.Current, Is.EqualTo(new[] { Custom, Rms }));
            Assert.That(current.RequiresRegeneration, Is.False);
        });

        var blob = await features.ReadAsync(Key, Custom);
        var sampler = new FeatureSampler(blob!);
        var expected = Oracle(signal, AnalysisParameters.Default);
        var sampled = Enumerable.Range(0, blob!.Header.FrameCount).Select(k => sampler.Sample(blob.Header.GetFrameTime(k))).ToArray();

        CacheDiff stale;
        await using (var v2 = Build(metadata, features, resolver, new MeanMagnitudeCalculator(version: 2)))
        {
            Publish(v2, Custom, Rms);
            stale = (await v2.GetRequiredService<IDiffScheduler>().RunFrameAsync()).Single();
        }

        Assert.Multiple(() =>
        {
            Assert.That(blob.Header.CalculatorId, Is.EqualTo(MeanMagnitudeCalculator.CalculatorId));
            Assert.That(blob.Header.CalculatorVersion, Is.EqualTo(1));
            Assert.That(blob.Header.ValuesPerFrame, Is.EqualTo(1));
            Assert.That(blob.Header.FrameCount, Is.EqualTo(expected.Length));
            Assert.That(sampled, Is.EqualTo(expected).Within(0.01).Percent, "values against a double-precision MathNet oracle (float FFT and float sum: within 1e-4 relative)");
            Assert.That(stale.Current, Is.EqualTo(new[] { Rms }), "the built-in entry is untouched by the host's version bump");
            Assert.That(stale.Stale, Is.EqualTo(new[] { Custom }));
            Assert.That(
                stale.GetStaleReasons(Custom),
                Is.EqualTo(new StaleReason[] { new CalculatorChanged(MeanMagnitudeCalculator.CalculatorId, 1, MeanMagnitudeCalculator.CalculatorId, 2) }));
        });
    }

    private static ServiceProvider Build(ICacheMetadataStore metadata, IFeatureStore features, ITrackAudioResolver resolver, IDescriptorCalculator calculator)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero)));
        services.AddSingleton(metadata);
        services.AddSingleton(features);
        services.AddSingleton(resolver);
        services.AddAudioVisCache().AddCalculator(calculator);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static void Publish(IServiceProvider services, params DescriptorId[] descriptors) =>
        services.GetRequiredService<IAnalysisIntentBus>().Publish(AnalysisIntent.Create(
            "meter",
            Track,
            AnalysisProfile.DefaultId,
            [.. descriptors.Select(d => d.ToString())],
            services.GetRequiredService<TimeProvider>().GetUtcNow()));

    /// <summary>Writes one second of a 440 Hz tone plus seeded noise as a mono float WAV; returns the samples as written.</summary>
    private static float[] WriteWav(string path)
    {
        var noise = Harness.Noise(SampleRate, seed: 9, amplitude: 0.1);
        var samples = new float[SampleRate];
        for (var n = 0; n < samples.Length; n++)
        {
            samples[n] = (float)((0.5 * Math.Sin(2 * Math.PI * 440 * n / SampleRate)) + noise[n]);
        }

        using var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 1));
        writer.WriteSamples(samples, 0, samples.Length);
        return samples;
    }

    /// <summary>The mean |X| of each frame, from the Hann window and MathNet's FFT in double (not the library's pipeline).</summary>
    private static double[] Oracle(float[] signal, AnalysisParameters parameters)
    {
        var window = Harness.HannWindow(parameters.WindowSize);
        var frames = new List<double>();
        for (var start = 0; start + parameters.WindowSize <= signal.Length; start += parameters.HopSize)
        {
            frames.Add(Harness.Magnitudes(signal.AsSpan(start, parameters.WindowSize), window, parameters.FftSize).Average());
        }

        return [.. frames];
    }

    /// <summary>A host's calculator: the mean of the frame's magnitude spectrum, in float, bins in order.</summary>
    private sealed class MeanMagnitudeCalculator(int version) : IDescriptorCalculator
    {
        public const string CalculatorId = "mean_magnitude";

        public string Id => CalculatorId;

        public int Version => version;

        public IReadOnlyList<DescriptorDefinition> Definitions { get; } =
            [new DescriptorDefinition(Custom.Name, CalculatorId, version, "linear", "Mean of the magnitude spectrum.")];

        public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context) =>
            descriptor.Name == Custom.Name ? new Computer() : throw new ArgumentException($"'{descriptor}' is not produced here.", nameof(descriptor));

        private sealed class Computer : IDescriptorFrameComputer
        {
            public int ValuesPerFrame => 1;

            public void Compute(in AnalysisFrame frame, Span<float> values)
            {
                var sum = 0f;
                foreach (var m in frame.Magnitudes)
                {
                    sum += m;
                }

                values[0] = sum / frame.Magnitudes.Length;
            }
        }
    }

    /// <summary>Counts the tracks opened (one per decode pass).</summary>
    private sealed class CountingResolver(ITrackAudioResolver inner) : ITrackAudioResolver
    {
        private int _opens;

        public int Opens => Volatile.Read(ref _opens);

        public IAudioSource Open(string trackRef)
        {
            Interlocked.Increment(ref _opens);
            return inner.Open(trackRef);
        }

        public string? GetChangeToken(string trackRef) => inner.GetChangeToken(trackRef);

        public string? GetFilePath(string trackRef) => inner.GetFilePath(trackRef);
    }
}
