using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Cli;
using NAudio.Wave;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>
/// The audio readers (AudioSources.Open, then one full pass of Read) over damaged copies of small valid files: WAV as
/// float, 16-bit and 24-bit PCM, and the MP3 and Ogg Vorbis fixtures of AudioVis.Cache.Tests.
/// </summary>
public sealed class AudioFileFuzzTests
{
    private static readonly Type[] Documented = [typeof(AudioFormatException), typeof(InvalidAudioSampleException)];

    private FuzzFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new FuzzFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void Wav_Damaged_DecodesOrThrowsADocumentedErrorNamingTheFile() =>
        Fuzz("WAV", ".wav", 3_000, FloatStereoWav(), Pcm(new WaveFormat(8_000, 16, 1), 400), Pcm(new WaveFormat(8_000, 24, 2), 100));

    [Test]
    public void Mp3_Damaged_DecodesOrThrowsADocumentedErrorNamingTheFile() =>
        Fuzz("MP3", ".mp3", 300, Fixture("sine-440-660.mp3"));

    [Test]
    public void Ogg_Damaged_DecodesOrThrowsADocumentedErrorNamingTheFile() =>
        Fuzz("Ogg Vorbis", ".ogg", 1_000, Fixture("sine-440-660.ogg"));

    /// <summary>Opens the file and reads it once; a full pass returns exactly FrameCount frames.</summary>
    private static void ReadWhole(string path)
    {
        using var source = AudioSources.Open(path);
        var buffer = new float[4_096];
        var samples = 0L;
        for (int n; (n = source.Read(buffer)) > 0;)
        {
            samples += n;
        }

        Assert.That(samples, Is.EqualTo(source.FrameCount * source.ChannelCount), "a full pass returns FrameCount frames");
    }

    private void Fuzz(string format, string extension, int fast, params byte[][] valid) =>
        FuzzHarness.Run(
            $"AudioSources.Open + Read ({format})",
            FuzzFile.In(_folder.Path, ByteMutations.Of(valid), extension),
            file => file.Read(ReadWhole),
            Documented,
            file => file.Name,
            fast,
            file => file.Print());

    private byte[] FloatStereoWav()
    {
        var path = Path.Combine(_folder.Path, "chord.wav");
        DemoAudio.WriteChord(path, 0.01);
        return File.ReadAllBytes(path);
    }

    private static byte[] Pcm(WaveFormat format, int frames)
    {
        using var memory = new MemoryStream();
        using (var writer = new WaveFileWriter(memory, format))
        {
            var random = new Random(12);
            var frame = new byte[format.BlockAlign];
            for (var i = 0; i < frames; i++)
            {
                random.NextBytes(frame);
                writer.Write(frame, 0, frame.Length);
            }
        }

        return memory.ToArray();
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fuzzing", "Fixtures", name));
}
