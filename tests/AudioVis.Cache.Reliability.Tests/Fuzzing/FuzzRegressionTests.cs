using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Cli;
using AudioVis.Cache.Cli.Commands;
using AudioVis.Cache.Cli.Scenes;
using AudioVis.Cache.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>The smallest inputs the fuzzers found that the library mishandled, kept as regression tests.</summary>
public sealed class FuzzRegressionTests
{
    private FuzzFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new FuzzFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>
    /// Found by the Ogg fuzzer: the Ogg fixture's last page (at byte 3965) spliced in again at byte 6026 and the file cut at
    /// 6956 bytes, so both copies claim to run past the end. NVorbis then read at the end of the file forever while
    /// opening it (looking for the last page's granule position).
    /// </summary>
    [Test]
    public void Ogg_LastPageSplicedIntoItselfAndCutShort_ThrowsAudioFormatExceptionInsteadOfHanging()
    {
        var fixture = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fuzzing", "Fixtures", "sine-440-660.ogg"));
        var path = _folder.Write([.. fixture[..6026], .. fixture[3965..(3965 + 930)]], ".ogg");

        var open = Task.Run(() =>
        {
            using var source = AudioSources.Open(path);
            var buffer = new float[4_096];
            while (source.Read(buffer) > 0)
            {
            }
        });

        Assert.That(Task.WaitAny([open], TimeSpan.FromSeconds(20)), Is.Zero, "opening the file returns (it hung before the fix)");
        Assert.That(open.Exception?.InnerException, Is.InstanceOf<AudioFormatException>().With.Message.Contains(path));
    }

    /// <summary>Found by the scene fuzzer: a NUL character in a track path made Path.GetFullPath throw ArgumentException.</summary>
    [Test]
    public void Scene_TrackPathWithNul_ThrowsCliInputExceptionNamingTheFileAndPath()
    {
        var json = DemoCommand.SceneJson.Replace("audio/intro.wav", "audio/in\\u0000tro.wav", StringComparison.Ordinal);
        var path = _folder.Write(System.Text.Encoding.UTF8.GetBytes(json), ".json");

        Assert.That(
            () => SceneLoader.Load(path, DateTimeOffset.UnixEpoch),
            Throws.InstanceOf<CliInputException>().With.Message.Contains(Path.GetFileName(path)).And.Message.Contains("$.tracks[0].path").And.Message.Contains("NUL"));
    }

    /// <summary>Found by the preference fuzzer: the enum converter takes numbers and comma lists, and a list may be null; all were used as loaded.</summary>
    [TestCase("""{"format":1,"sortBy":-1}""", "sortBy -1")]
    [TestCase("""{"format":1,"sortBy":"LastAnalyzedAt, Status"}""", "sortBy 3")]
    [TestCase("""{"format":1,"shownStatuses":[99]}""", "shownStatuses holds 99")]
    [TestCase("""{"format":1,"shownStatuses":null}""", "shownStatuses is null")]
    public async Task PreferenceFile_ValueOutOfRange_GivesTheDefaultsAndAWarningNamingIt(string json, string problem)
    {
        var path = _folder.Write(System.Text.Encoding.UTF8.GetBytes(json), ".json");
        var logger = new WarningLog();

        var loaded = await new JsonFileDiagnosticsPreferenceStore(path, logger).LoadAsync();

        Assert.Multiple(() =>
        {
            Assert.That(loaded, Is.EqualTo(DiagnosticsPreferences.Default));
            Assert.That(logger.Warnings, Has.One.Contains(path).And.Contains(problem));
        });
    }

    private sealed class WarningLog : ILogger<JsonFileDiagnosticsPreferenceStore>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
