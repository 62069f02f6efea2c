using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Tests.Storage.Features;

public sealed class FeatureValueEncodingTests
{
    [Test]
    public void Properties_OfEachEncoding_AreAsDocumented()
    {
        var db16 = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Amplitude, -93.98, 6.02);
        var db8 = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, 0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { FeatureValueEncoding.Float32, FeatureValueEncoding.Float16, db16, db8 }.Select(e => e.BytesPerValue), Is.EqualTo(new[] { 4, 2, 2, 1 }));
            Assert.That(db16.Step, Is.EqualTo(100.0 / 65535).Within(1e-12));
            Assert.That(db8.Step, Is.EqualTo(100.0 / 255).Within(1e-12));
            Assert.That(FeatureValueEncoding.Float16.Step, Is.Zero);
            Assert.That(db8, Is.EqualTo(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, 0)));
            Assert.That(db8, Is.Not.EqualTo(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Power, -100, 0)));
            Assert.That(db8.ToString(), Is.EqualTo("db8 (Decibels, -100 … 0 dB)"));
            Assert.That(double.IsNegative(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, -0.0).High), Is.False, "−0 is stored as 0");
            Assert.That(FeatureValueEncoding.Float16.ToString(), Is.EqualTo("float16"));
            Assert.That(new FeatureBlobHeader(FeatureBlobTestData.Key, Cache.Descriptors.DescriptorId.Parse("rms"), FeatureBlobTestData.Revision, "s", "c", 1, 48000, 512, 1024, 0, 1).Encoding, Is.SameAs(FeatureValueEncoding.Float32));
        }
    }

    [TestCase(FeatureEncodingKind.Float16, FeatureLevelScale.Decibels, -100, 0, "kind", "Encoding kind Float16 is not a decibel encoding")]
    [TestCase(FeatureEncodingKind.Decibels8, (FeatureLevelScale)3, -100, 0, "scale", "Level scale 3 is not defined")]
    [TestCase(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, 0, 0, "low", "The level range 0 … 0 dB must be finite with low < high")]
    [TestCase(FeatureEncodingKind.Decibels16, FeatureLevelScale.Decibels, 5, -5, "low", "The level range 5 … -5 dB")]
    [TestCase(FeatureEncodingKind.Decibels16, FeatureLevelScale.Power, double.NaN, 0, "low", "The level range NaN … 0 dB")]
    [TestCase(FeatureEncodingKind.Decibels16, FeatureLevelScale.Power, -1, double.PositiveInfinity, "low", "The level range -1 … Infinity dB")]
    public void Decibels_InvalidArgument_ThrowsNamingIt(FeatureEncodingKind kind, FeatureLevelScale scale, double low, double high, string param, string message)
    {
        Assert.That(
            () => FeatureValueEncoding.Decibels(kind, scale, low, high),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(param).And.Message.Contains(message));
    }

    [Test]
    public void Header_NullEncoding_Throws()
    {
        Assert.That(() => FeatureBlobTestData.Header() with { Encoding = null! }, Throws.ArgumentNullException);
    }
}
