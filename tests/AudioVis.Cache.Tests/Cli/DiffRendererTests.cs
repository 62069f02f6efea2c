using AudioVis.Cache.Cli;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace AudioVis.Cache.Tests.Cli;

public sealed class DiffRendererTests
{
    [Test]
    public void UnreadableTrack_RendersUnavailableRowsWithTheError_AndABannerThatSaysSo()
    {
        var key = new CacheKey("broken.wav", AnalysisProfile.DefaultId);
        var error = new TrackSourceError("broken.wav", TrackSourceProblem.Undecodable, "AudioVis.Cache.Analysis.Audio.AudioFormatException", "'broken.wav' is not a WAV, MP3 or Ogg Vorbis file.");
        var diff = CacheDiffCalculator.Compute(
            key,
            [AnalysisIntent.Create("meter", key.TrackRef, key.AnalysisProfileId, ["rms", "zcr"], DateTimeOffset.UnixEpoch)],
            AnalysisProfile.Default,
            TrackSourceStatus.Unreadable(error),
            [],
            DescriptorCatalog.Default);
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 200;

        DiffRenderer.Render(console, diff, new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance));
        var text = writer.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(text.Split('\n').Count(l => l.Contains("Unavailable", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(text, Does.Contain(error.Description));
            Assert.That(text, Does.Contain("The audio of 'broken.wav' cannot be read (Undecodable)"));
            Assert.That(text, Does.Not.Contain("require regeneration"));
        });
    }
}
