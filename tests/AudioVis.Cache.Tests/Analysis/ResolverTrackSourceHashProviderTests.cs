using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.FeatureCheck;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis;

public sealed class ResolverTrackSourceHashProviderTests
{
    [Test]
    public async Task GetSourceContentHashAsync_UnchangedFile_DecodesOnceAndEqualsTheAnalyzersHash()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        WriteWav(folder.Path, "a.wav", 0.5f);
        var provider = new ResolverTrackSourceHashProvider(new FileSystemTrackAudioResolver(folder.Path));
        string expected;
        using (var source = AudioSources.Open(Path.Combine(folder.Path, "a.wav")))
        {
            expected = await AudioContentHasher.ComputeAsync(source);
        }

        var first = await provider.GetSourceContentHashAsync("a.wav");
        var second = await provider.GetSourceContentHashAsync("a.wav");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(expected));
            Assert.That(second, Is.EqualTo(expected));
            Assert.That(provider.ComputeCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task GetSourceContentHashAsync_ReplacedFile_ReturnsTheNewHash()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        WriteWav(folder.Path, "a.wav", 0.5f);
        var provider = new ResolverTrackSourceHashProvider(new FileSystemTrackAudioResolver(folder.Path));
        var before = await provider.GetSourceContentHashAsync("a.wav");

        WriteWav(folder.Path, "a.wav", 0.25f);
        File.SetLastWriteTimeUtc(Path.Combine(folder.Path, "a.wav"), DateTime.UnixEpoch);
        var after = await provider.GetSourceContentHashAsync("a.wav");

        Assert.Multiple(() =>
        {
            Assert.That(after, Is.Not.Null.And.Not.EqualTo(before));
            Assert.That(provider.ComputeCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task GetSourceContentHashAsync_MissingFile_IsNull()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var provider = new ResolverTrackSourceHashProvider(new FileSystemTrackAudioResolver(folder.Path));

        Assert.That(await provider.GetSourceContentHashAsync("missing.wav"), Is.Null);
    }

    [Test]
    public async Task GetSourceContentHashAsync_ResolverWithoutChangeTokens_HashesEveryTime()
    {
        var resolver = new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source);
        var provider = new ResolverTrackSourceHashProvider(resolver);

        await provider.GetSourceContentHashAsync("sine");
        await provider.GetSourceContentHashAsync("sine");

        Assert.That(resolver.OpenCount, Is.EqualTo(2));
    }

    private static void WriteWav(string folder, string name, float amplitude)
    {
        using var writer = new WaveFileWriter(Path.Combine(folder, name), WaveFormat.CreateIeeeFloatWaveFormat(8_000, 1));
        var samples = Enumerable.Range(0, 4_000).Select(n => amplitude * MathF.Sin(n * 0.1f)).ToArray();
        writer.WriteSamples(samples, 0, samples.Length);
    }
}
