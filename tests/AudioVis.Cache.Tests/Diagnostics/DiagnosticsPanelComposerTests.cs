using System.Globalization;
using System.Text;
using ApprovalTests;
using ApprovalTests.Reporters;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>The diagnostics panel of issue #11: every row status in one snapshot, and the wording of stale reasons.</summary>
[UseReporter(typeof(QuietReporter))]
public sealed class DiagnosticsPanelComposerTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { FftSize = 4096, WindowSize = 4096 }, "HighRes FFT");

    [Test]
    public void Panel_EveryStatus_GroupedByTrackThenProfile()
    {
        var intro = new CacheKey("intro.wav", "hires");
        var records = new[]
        {
            Records.Make(intro, "rms", HiRes.Parameters),
            Records.Make(intro, "spectrum.bands32@L", HiRes.Parameters with { FftSize = 2048, WindowSize = 2048 }),
            Records.Make(intro, "spectrum.db@side", HiRes.Parameters),
        };
        var failures = new Dictionary<DescriptorId, RegenerationFailure>
        {
            [DescriptorId.Parse("zcr")] = Failure("zcr"),
        };
        var introDiff = CacheDiffCalculator.Compute(
            intro,
            [
                AnalysisIntent.Create("bars", intro.TrackRef, intro.AnalysisProfileId, ["spectrum.bands32@L", "rms"], At),
                AnalysisIntent.Create("pulse", intro.TrackRef, intro.AnalysisProfileId, ["rms", "zcr", "onset.strength", "beat.phase"], At),
            ],
            HiRes,
            Records.Source,
            records,
            DescriptorCatalog.Default,
            failures);
        var broken = new CacheKey("broken.wav", AnalysisProfile.DefaultId);
        var brokenDiff = CacheDiffCalculator.Compute(
            broken,
            [AnalysisIntent.Create("meter", broken.TrackRef, broken.AnalysisProfileId, ["rms"], At)],
            AnalysisProfile.Default,
            TrackSourceStatus.Unreadable(new TrackSourceError("broken.wav", TrackSourceProblem.Undecodable, "AudioVis.Cache.Analysis.Audio.AudioFormatException", "'broken.wav' is not a WAV, MP3 or Ogg Vorbis file.")),
            [],
            DescriptorCatalog.Default);
        RegenerationStatusChanged[] jobs =
        [
            new(3, intro, [DescriptorId.Parse("onset.strength")], RegenerationReason.Missing, ["pulse"], RegenerationStatus.Running, 0.25, null, null, 1, At),
        ];

        var panel = DiagnosticsPanelComposer.Compose(
            [introDiff, brokenDiff],
            new Dictionary<CacheKey, IReadOnlyList<CacheMetadataRecord>> { [intro] = records },
            jobs,
            [AnalysisProfile.Default, HiRes]);

        Approvals.Verify(Render(panel));
    }

    [Test]
    public void ParameterChange_Sentence_UsesWords() =>
        Assert.Multiple(() =>
        {
            Assert.That(new ParameterChange("fft_size", "2048", "4096").Sentence, Is.EqualTo("FFT size changed from 2048 to 4096"));
            Assert.That(new ParameterChange("sample_rate", "native", "44100").Sentence, Is.EqualTo("Target sample rate changed from native to 44100"));
            Assert.That(new ParameterChange("some_new_thing", "1", "2").Sentence, Is.EqualTo("Some new thing changed from 1 to 2"));
        });

    private static RegenerationFailure Failure(string descriptor)
    {
        var id = DescriptorId.Parse(descriptor);
        DescriptorCatalog.Default.TryGetDefinition(id, out var definition);
        return new RegenerationFailure(new FailedDescriptor(id, 7, "System.IO.InvalidDataException", "decoder exploded", 2, At), HiRes.RevisionHash, definition!.CalculatorId, definition.CalculatorVersion);
    }

    private static string Render(DiagnosticsPanelViewModel panel)
    {
        var text = new StringBuilder();
        foreach (var track in panel.Tracks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"track {track.TrackRef}");
            foreach (var profile in track.Profiles)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  profile {profile.DisplayName} ({profile.AnalysisProfileId})");
                foreach (var row in profile.Rows)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {row.Descriptor} | {row.Status} | {row.LastAnalyzedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"} | {row.Reason} | owners: {string.Join(", ", row.Owners)} | actions: {string.Join(", ", row.Actions)}{(row.FailedJobId is { } job ? $" | retry job {job}" : string.Empty)}");
                }
            }
        }

        return text.ToString();
    }
}
