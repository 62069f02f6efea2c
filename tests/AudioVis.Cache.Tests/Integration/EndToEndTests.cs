using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Tests.Integration;

/// <summary>
/// The spec's integration scenarios, end to end with the real analyzer: intents → diff → queue → analyzer →
/// stores → invalidation → next frame's diff.
/// </summary>
public sealed class EndToEndTests
{
    private const string Track = "tracks/tone.wav";
    private static readonly CacheKey Key = new(Track, "hires");

    [Test]
    public async Task ProfileMismatch_RegenerateAll_UpdatesCaches_AndTheBannerConditionClears()
    {
        var audio = new InMemoryAudio();
        await using var services = new TestServices(s => s.AddSingleton<ITrackAudioResolver>(audio));
        var queue = services.Get<IRegenerationQueue>();
        services.Bus.Publish(services.Intent("bars", Track, "hires", "spectrum.bands32@L", "rms@mid"));
        services.Bus.Publish(services.Intent("pulse", Track, "hires", "rms@mid", "onset.strength"));

        var missing = (await services.Scheduler.RunFrameAsync()).Single();
        await RegenerateAllAsync(queue, services.Scheduler);
        var regenerated = (await services.Scheduler.RunFrameAsync()).Single();

        services.Profiles.Replace(new AnalysisProfile("hires", TestServices.HiRes.Parameters with { HopSize = 2048 }, "HighRes FFT"));
        var stale = (await services.Scheduler.RunFrameAsync()).Single();
        await RegenerateAllAsync(queue, services.Scheduler);
        var current = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(missing.RequiresRegeneration, Is.True);
            Assert.That(missing.Missing, Has.Count.EqualTo(3));
            Assert.That(regenerated.RequiresRegeneration, Is.False);
            Assert.That(regenerated.Current, Has.Count.EqualTo(3));
            Assert.That(stale.Stale, Has.Count.EqualTo(3));
            Assert.That(
                stale.StaleDetails.Select(s => s.Reasons.Single()),
                Has.All.EqualTo(new ProfileParametersChanged([new ParameterChange("hop_size", "1024", "2048")])));
            Assert.That(current.RequiresRegeneration, Is.False, "the banner condition clears by itself after regeneration");
            Assert.That(current.Current, Has.Count.EqualTo(3));
            Assert.That(audio.Opens, Is.EqualTo(2), "one decode per {track, profile} job, all descriptors in one pass");
        });
    }

    [Test]
    public async Task PanelRegenerate_OneDescriptor_ChangesOnlyThatEntry()
    {
        var audio = new InMemoryAudio();
        await using var services = new TestServices(s => s.AddSingleton<ITrackAudioResolver>(audio));
        var queue = services.Get<IRegenerationQueue>();
        services.Bus.Publish(services.Intent("bars", Track, "hires", "spectrum.bands32@L", "rms@mid", "zcr"));
        await services.Scheduler.RunFrameAsync();
        await RegenerateAllAsync(queue, services.Scheduler);
        var before = await Snapshot(services.Store);

        services.Time.Advance(TimeSpan.FromMinutes(5));
        services.Profiles.Replace(new AnalysisProfile("hires", TestServices.HiRes.Parameters with { HopSize = 2048 }, "HighRes FFT"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();
        var outcome = await queue.Regenerate(diff, DescriptorId.Parse("rms@mid")).Completion;
        var after = await Snapshot(services.Store);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Succeeded, Is.True);
            Assert.That(outcome.Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid" }));
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
            foreach (var (descriptor, text) in before)
            {
                if (descriptor == "rms@mid")
                {
                    Assert.That(after[descriptor], Is.Not.EqualTo(text), "the targeted entry was rewritten");
                }
                else
                {
                    Assert.That(after[descriptor], Is.EqualTo(text), $"{descriptor} must be untouched");
                }
            }
        });
    }

    // Issue #9 item 3: an FFT-size edit regenerates only the spectrum-based entries; the time-domain ones stay current
    // and keep the revision they were computed with.
    [Test]
    public async Task ProfileEdit_FftSize_RegeneratesOnlyDependentEntries_AndTheBannerConditionClears()
    {
        var audio = new InMemoryAudio();
        await using var services = new TestServices(s => s.AddSingleton<ITrackAudioResolver>(audio));
        var queue = services.Get<IRegenerationQueue>();
        services.Bus.Publish(services.Intent("bars", Track, "hires", "spectrum.bands32@L", "rms@mid", "zcr"));
        await services.Scheduler.RunFrameAsync();
        await RegenerateAllAsync(queue, services.Scheduler);
        var before = await Snapshot(services.Store);

        var edited = new AnalysisProfile("hires", TestServices.HiRes.Parameters with { FftSize = 8192 }, "HighRes FFT");
        services.Profiles.Replace(edited);
        var stale = (await services.Scheduler.RunFrameAsync()).Single();
        await RegenerateAllAsync(queue, services.Scheduler);
        var current = (await services.Scheduler.RunFrameAsync()).Single();
        var after = await Snapshot(services.Store);
        var records = (await services.Store.GetRecordsAsync(Key)).ToDictionary(r => r.Descriptor.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(stale.Stale.Select(d => d.ToString()), Is.EqualTo(new[] { "spectrum.bands32@L" }));
            Assert.That(stale.StaleDetails.Single().Reasons, Is.EqualTo(new StaleReason[] { new ProfileParametersChanged([new ParameterChange("fft_size", "4096", "8192")]) }));
            Assert.That(stale.Current.Select(d => d.ToString()), Is.EqualTo(new[] { "rms@mid", "zcr" }));
            Assert.That(current.RequiresRegeneration, Is.False);
            Assert.That(current.Current, Has.Count.EqualTo(3));
            Assert.That(after["rms@mid"], Is.EqualTo(before["rms@mid"]), "rms@mid must be untouched");
            Assert.That(after["zcr"], Is.EqualTo(before["zcr"]), "zcr must be untouched");
            Assert.That(records["rms@mid"].ProfileRevisionHash, Is.EqualTo(TestServices.HiRes.RevisionHash), "a current entry keeps the revision it was computed with");
            Assert.That(records["spectrum.bands32@L"].ProfileRevisionHash, Is.EqualTo(edited.RevisionHash));
        });
    }

    [Test]
    public async Task FailedRegeneration_CanBeRetriedWithoutTouchingTheProject()
    {
        var audio = new InMemoryAudio { Broken = true };
        await using var services = new TestServices(s => s.AddSingleton<ITrackAudioResolver>(audio));
        var queue = services.Get<IRegenerationQueue>();
        services.Bus.Publish(services.Intent("bars", Track, "hires", "rms@mid"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();

        var failed = await queue.RegenerateAll([diff]).Single().Completion;
        var stillMissing = await services.Store.GetRecordsAsync(Key);
        audio.Broken = false;
        var retried = await queue.Retry(failed.JobId).Completion;
        var afterRetry = (await services.Scheduler.RunFrameAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(RegenerationStatus.Failed));
            Assert.That(failed.Error, Is.TypeOf<AudioFormatException>());
            Assert.That(stillMissing, Is.Empty, "a failed job writes nothing");
            Assert.That(retried.Succeeded, Is.True);
            Assert.That(afterRetry.RequiresRegeneration, Is.False);
        });
    }

    private static async Task RegenerateAllAsync(IRegenerationQueue queue, IDiffScheduler scheduler)
    {
        var outcomes = await Task.WhenAll(queue.RegenerateAll(scheduler.GetLatestDiffs()).Select(t => t.Completion));
        Assert.That(outcomes, Has.All.Property(nameof(RegenerationOutcome.Succeeded)).True);
    }

    private static async Task<Dictionary<string, string>> Snapshot(ICacheMetadataStore store) =>
        (await store.GetRecordsAsync(Key)).ToDictionary(
            r => r.Descriptor.ToString(),
            r => $"{r.ProfileRevisionHash}|{r.SourceContentHash}|{r.CalculatorId}|{r.CalculatorVersion}|{r.AnalyzedAt:O}|{r.Parameters?.ToCanonicalText()}");

    /// <summary>Serves a 2-second stereo tone from memory, or a corrupt file while <see cref="Broken"/>.</summary>
    private sealed class InMemoryAudio : ITrackAudioResolver
    {
        private readonly float[] _pcm = Tone();

        public bool Broken { get; set; }

        public int Opens { get; private set; }

        public IAudioSource Open(string trackRef)
        {
            Opens++;
            return Broken
                ? throw new AudioFormatException(trackRef, AudioFormatProblem.Malformed, "the test marked the file broken")
                : AudioSources.FromPcm(trackRef, 44100, 2, _pcm);
        }

        public string? GetChangeToken(string trackRef) => Broken ? "broken" : "ok";

        private static float[] Tone()
        {
            var pcm = new float[44100 * 2 * 2];
            for (var i = 0; i < pcm.Length / 2; i++)
            {
                pcm[2 * i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 44100f);
                pcm[(2 * i) + 1] = 0.25f * MathF.Sin(2 * MathF.PI * 660 * i / 44100f);
            }

            return pcm;
        }
    }
}
