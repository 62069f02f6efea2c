using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureBlobHeaderTests
{
    public static IEnumerable<TestCaseData> InvalidHeaders()
    {
        yield return Case("calculatorVersion", () => Make(calculatorVersion: -1));
        yield return Case("sampleRate", () => Make(sampleRate: 0));
        yield return Case("hopSize", () => Make(hopSize: 0));
        yield return Case("windowSize", () => Make(windowSize: -4));
        yield return Case("frameCount", () => Make(frameCount: -1));
        yield return Case("valuesPerFrame", () => Make(valuesPerFrame: 0));
        yield return Case("sourceContentHash", () => Make(sourceContentHash: " "));
        yield return Case("calculatorId", () => Make(calculatorId: ""));
        yield return Case("key", () => Make(key: default(CacheKey)));

        static TestCaseData Case(string param, Func<FeatureBlobHeader> create) => new TestCaseData(param, create).SetArgDisplayNames(param);
    }

    [TestCaseSource(nameof(InvalidHeaders))]
    public void Constructor_InvalidValue_ThrowsNamingIt(string param, Func<FeatureBlobHeader> create)
    {
        Assert.That(() => create(), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo(param));
    }

    [Test]
    public void Constructor_MoreValuesThanTheOldTwoToThe28Limit_IsAHeader_WithA64BitValueCount()
    {
        // Version 3 has no value limit short of the file system's (issue #10); the count no longer fits an int.
        var header = Make(frameCount: int.MaxValue, valuesPerFrame: 1025);

        Assert.That(header.ValueCount, Is.EqualTo((long)int.MaxValue * 1025));
    }

    [Test]
    public void Constructor_NullReferences_Throw()
    {
        Assert.That(
            () => new FeatureBlobHeader(Key, null!, Revision, "s", "c", 1, 48000, 512, 1024, 1, 1),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("descriptor"));
        Assert.That(
            () => new FeatureBlobHeader(Key, DescriptorId.Parse("rms"), null!, "s", "c", 1, 48000, 512, 1024, 1, 1),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("profileRevisionHash"));
    }

    [Test]
    public void Header_ValueCountAndFormatVersion()
    {
        var header = Header(frameCount: 7, valuesPerFrame: 32);

        Assert.That(header.ValueCount, Is.EqualTo(224));
        Assert.That(header.FormatVersion, Is.EqualTo(FeatureBlobHeader.CurrentFormatVersion).And.EqualTo(3));
    }

    [Test]
    public void Blob_WrongNumberOfValues_ThrowsNamingBothCounts()
    {
        Assert.That(
            () => new FeatureBlob(Header(frameCount: 3, valuesPerFrame: 2), new float[5]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("values").And.Message.Contains("has 5 values").And.Message.Contains("3 frames × 2 values per frame = 6"));
    }

    [Test]
    public void Blob_CopiesTheValues()
    {
        float[] values = [1, 2, 3, 4, 5, 6];
        var blob = new FeatureBlob(Header(frameCount: 3, valuesPerFrame: 2), values);

        values[0] = 99;

        Assert.That(blob.Values.Span[0], Is.EqualTo(1f));
    }

    [Test]
    public void Blob_GetFrame_ReturnsTheFrameOrThrowsNamingTheIndex()
    {
        var blob = new FeatureBlob(Header(frameCount: 3, valuesPerFrame: 2), [1, 2, 3, 4, 5, 6]);

        Assert.That(blob.GetFrame(1).ToArray(), Is.EqualTo(new[] { 3f, 4f }));
        Assert.That(blob.GetFrame(2).ToArray(), Is.EqualTo(new[] { 5f, 6f }));
        Assert.That(() => blob.GetFrame(3), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("index").And.Message.Contains("Frame index 3"));
        Assert.That(() => blob.GetFrame(-1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("index"));
    }

    private static FeatureBlobHeader Make(
        CacheKey? key = null,
        string sourceContentHash = "src",
        string calculatorId = "time",
        int calculatorVersion = 1,
        int sampleRate = 48000,
        int hopSize = 512,
        int windowSize = 1024,
        int frameCount = 3,
        int valuesPerFrame = 2) =>
        new(key ?? Key, DescriptorId.Parse("rms"), Revision, sourceContentHash, calculatorId, calculatorVersion, sampleRate, hopSize, windowSize, frameCount, valuesPerFrame);
}
