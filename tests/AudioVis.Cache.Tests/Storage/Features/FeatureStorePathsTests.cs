using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage.Features;
using CsCheck;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureStorePathsTests
{
    [TestCase("rms", "rms.avcf")]
    [TestCase("rms@L", "rms@%4C.avcf")]
    [TestCase("rms@R", "rms@%52.avcf")]
    [TestCase("spectrum.bands32@mid", "spectrum.bands32@mid.avcf")]
    [TestCase("mfcc@ch12", "mfcc@ch12.avcf")]
    [TestCase("con", "%63on.avcf")]
    [TestCase("aux.level", "%61ux.level.avcf")]
    [TestCase("lpt1@L", "lpt1@%4C.avcf")]
    public void GetBlobFileName_IsEscapedAndParsesBack(string descriptor, string fileName)
    {
        var id = DescriptorId.Parse(descriptor);

        Assert.That(FeatureStorePaths.GetBlobFileName(id), Is.EqualTo(fileName));
        Assert.That(FeatureStorePaths.TryParseBlobFileName(fileName, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(id));
    }

    [Test]
    public void EscapeSegment_AnyProfileId_IsSafeAndReversible()
    {
        var idChars = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"];
        var profileIds = Gen.Select(Gen.Char["aBcDeFxYz0189"], idChars.Array[0, 63], (first, rest) => first + new string(rest));

        profileIds.Sample(id =>
        {
            var segment = FeatureStorePaths.EscapeSegment(id);
            return FeatureStorePaths.TryUnescapeSegment(segment, out var back)
                && back == id
                && segment.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '%' or (>= 'A' and <= 'F'))
                && !segment.EndsWith('.');
        });
    }

    [Test]
    public void EscapeSegment_IdsDifferingOnlyInCase_DifferIgnoringCase()
    {
        var ids = new[] { "hires", "HiRes", "HIRES", "hiRES" };

        var segments = ids.Select(FeatureStorePaths.EscapeSegment).Select(s => s.ToUpperInvariant());

        Assert.That(segments, Is.Unique);
    }
}
