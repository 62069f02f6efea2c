using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Storage.Features;
using CsCheck;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.SharedFolder;

[TestFixture]
public sealed class TempFileNamesTests
{
    [TestCase("Render_Node.07.farm.local", "render-node-07-farm-local")]
    [TestCase("WS-42", "ws-42")]
    [TestCase("rechner-é", "rechner--")]
    [TestCase("", "unknown")]
    [TestCase(null, "unknown")]
    public void SanitizeHost_MachineName_KeepsOnlyLowerCaseLettersDigitsAndDashes(string? machineName, string expected) =>
        Assert.That(TempFileNames.SanitizeHost(machineName), Is.EqualTo(expected));

    [Test]
    public void SanitizeHost_LongNamesSharingAPrefix_BoundedAndStillDistinct()
    {
        var prefix = new string('n', 40);
        var a = TempFileNames.SanitizeHost(prefix + "-render-a");
        var b = TempFileNames.SanitizeHost(prefix + "-render-b");

        Assert.Multiple(() =>
        {
            Assert.That(a, Has.Length.EqualTo(TempFileNames.MaxHostLength));
            Assert.That(b, Has.Length.EqualTo(TempFileNames.MaxHostLength));
            Assert.That(a, Does.StartWith(new string('n', 23) + "-"));
            Assert.That(a, Is.Not.EqualTo(b), "the hash of the whole name tells them apart");
        });
    }

    [Test]
    public void Create_AnyNameHostAndPid_ParsesBackWithin255Bytes()
    {
        var names = Gen.Char["ab.%@-_é曲🎵"].Array[1, 400].Select(c => new string(c));
        var hosts = Gen.Char["Ab._-9 é"].Array[0, 80].Select(c => new string(c));
        Gen.Select(names, hosts, Gen.Int[0, int.MaxValue]).Sample((name, machine, pid) =>
        {
            var host = TempFileNames.SanitizeHost(machine);
            var temp = TempFileNames.Create(name, host, pid);
            var ownerLength = $".{host}.{pid}.".Length + 16 + ".tmp".Length;
            var kept = temp[1..^ownerLength];
            return Encoding.UTF8.GetByteCount(temp) <= TempFileNames.MaxFileNameBytes &&
                TempFileNames.TryParse(temp, out var owner) && owner == new TempFileOwner(host, pid) &&
                kept.Length > 0 && name.StartsWith(kept, StringComparison.Ordinal) &&
                !FeatureStorePaths.TryParseBlobFileName(temp, out _);
        });
    }

    [Test]
    public void Create_LongMultiByteName_CutAtACharacterWithin255Bytes()
    {
        var temp = TempFileNames.Create(new string('é', 300) + ".avcf", "render-01", 123456);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetByteCount(temp), Is.LessThanOrEqualTo(255));
            Assert.That(temp, Does.Match(@"^\.é+\.render-01\.123456\.[0-9a-f]{16}\.tmp$"));
        });
    }

    [Test]
    public void Create_SameTarget_TwoWritersOfOneProcessGetDifferentNames()
    {
        var names = Enumerable.Range(0, 100).Select(_ => TempFileNames.Create("rms@%4C.avcf")).ToList();

        Assert.That(names, Is.Unique);
    }

    [TestCase(".rms@%4C.avcf.0123456789abcdef0123456789abcdef.tmp", TestName = "TryParse_OlderGuidName_TemporaryWithoutOwner")]
    [TestCase(".rms@%4C.avcf.host.12x.0123456789abcdef.tmp", TestName = "TryParse_NonNumericPid_TemporaryWithoutOwner")]
    [TestCase(".x.tmp", TestName = "TryParse_ForeignDotTmp_TemporaryWithoutOwner")]
    public void TryParse_NameWithoutOwner_IsTemporaryWithoutOwner(string name)
    {
        Assert.That(TempFileNames.TryParse(name, out var owner), Is.True);
        Assert.That(owner, Is.Null);
    }

    [TestCase("rms@%4C.avcf")]
    [TestCase("rms.tmp")]
    [TestCase(".tmp")]
    [TestCase(".rms@%4C.avcf")]
    public void TryParse_NotATemporaryFile_False(string name) =>
        Assert.That(TempFileNames.TryParse(name, out _), Is.False);

    [Test]
    public async Task FileSystemFeatureStore_Write_TemporaryFileNamesThisMachineAndProcess()
    {
        var root = Path.Combine(Path.GetTempPath(), "avcache-tempnames-" + Guid.NewGuid().ToString("N"));
        string? temp = null;
        var store = new FileSystemFeatureStore(root) { BeforeCommit = path => temp = path };
        try
        {
            await store.WriteAsync(Blob());

            Assert.That(TempFileNames.TryParse(Path.GetFileName(temp!), out var owner), Is.True);
            Assert.Multiple(() =>
            {
                Assert.That(owner, Is.EqualTo(new TempFileOwner(TempFileNames.LocalHost, Environment.ProcessId)));
                Assert.That(Path.GetFileName(temp), Does.StartWith("." + FeatureStorePaths.GetBlobFileName(DescriptorId.Parse("rms@L")) + "."));
                Assert.That(File.Exists(temp), Is.False, "renamed over the blob");
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
