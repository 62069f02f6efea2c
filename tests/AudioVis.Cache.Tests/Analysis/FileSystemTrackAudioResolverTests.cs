using AudioVis.Cache.Analysis;

namespace AudioVis.Cache.Tests.Analysis;

public sealed class FileSystemTrackAudioResolverTests
{
    [TestCase("a.wav", "a.wav")]
    [TestCase("albums/x/a.wav", "albums/x/a.wav")]
    [TestCase("albums/../a.wav", "a.wav")]
    [TestCase("./a.wav", "a.wav")]
    public void ResolvePath_InsideTheRoot_IsTheFullPath(string trackRef, string relative)
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var resolver = new FileSystemTrackAudioResolver(folder.Path);

        Assert.That(resolver.ResolvePath(trackRef), Is.EqualTo(Path.GetFullPath(Path.Combine(folder.Path, relative))));
    }

    [TestCase("../a.wav")]
    [TestCase("albums/../../a.wav")]
    [TestCase("..")]
    [TestCase(".")]
    [TestCase("/etc/passwd")]
    public void ResolvePath_EscapingTheRoot_ThrowsNamingTheRef(string trackRef)
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var resolver = new FileSystemTrackAudioResolver(folder.Path);

        var ex = Assert.Throws<TrackRefOutsideAudioRootException>(() => resolver.ResolvePath(trackRef));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.TrackRef, Is.EqualTo(trackRef));
            Assert.That(ex.AudioRoot, Is.EqualTo(resolver.RootDirectory));
            Assert.That(ex.Message, Is.EqualTo($"Track reference '{trackRef}' resolves to a path outside the audio root '{resolver.RootDirectory}'."));
        });
    }

    [Test]
    public void ResolvePath_SiblingFolderSharingThePrefix_Throws()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var resolver = new FileSystemTrackAudioResolver(Path.Combine(folder.Path, "music"));

        Assert.Throws<TrackRefOutsideAudioRootException>(() => resolver.ResolvePath("../music2/a.wav"));
    }

    [Test]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var resolver = new FileSystemTrackAudioResolver(folder.Path);

        Assert.Throws<FileNotFoundException>(() => resolver.Open("missing.wav").Dispose());
    }

    [Test]
    public async Task GetChangeToken_ChangesWithTheFileAndIsNullWhenMissing()
    {
        using var folder = new AudioAnalyzerTests.TempFolder();
        var resolver = new FileSystemTrackAudioResolver(folder.Path);
        var path = Path.Combine(folder.Path, "a.wav");
        await File.WriteAllBytesAsync(path, new byte[10]);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var first = resolver.GetChangeToken("a.wav");

        await File.WriteAllBytesAsync(path, new byte[11]);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = resolver.GetChangeToken("a.wav");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(resolver.GetChangeToken("a.wav"), Is.EqualTo(second));
            Assert.That(resolver.GetChangeToken("missing.wav"), Is.Null);
        });
    }
}
