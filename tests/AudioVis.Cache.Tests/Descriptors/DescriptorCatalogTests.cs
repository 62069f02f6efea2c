using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Tests.Descriptors;

public sealed class DescriptorCatalogTests
{
    [TestCase("spectrum", "spectrum", 3)]
    [TestCase("spectrum.db@L", "spectrum", 3)]
    [TestCase("spectrum.bands1", "bands", 3)]
    [TestCase("spectrum.bands32@side", "bands", 3)]
    [TestCase("spectrum.bands512", "bands", 3)]
    [TestCase("rms@mid", "time", 3)]
    [TestCase("onset.strength", "onset", 3)]
    [TestCase("mfcc@ch2", "mfcc", 4)]
    public void TryGetDefinition_KnownDescriptor_ReturnsItsCalculator(string id, string calculator, int version)
    {
        var found = DescriptorCatalog.Default.TryGetDefinition(DescriptorId.Parse(id), out var definition);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(definition!.CalculatorId, Is.EqualTo(calculator));
            Assert.That(definition.CalculatorVersion, Is.EqualTo(version));
        });
    }

    [TestCase("beat.phase")]
    [TestCase("spectrum.bands0")]
    [TestCase("spectrum.bands513")]
    [TestCase("spectrum.bands032")]
    [TestCase("spectrum.bands")]
    [TestCase("spectrum.bandsx")]
    [TestCase("rms.extra")]
    public void TryGetDefinition_UnknownDescriptor_ReturnsFalse(string id)
    {
        Assert.That(DescriptorCatalog.Default.TryGetDefinition(DescriptorId.Parse(id), out _), Is.False);
    }

    [Test]
    public void Constructor_DuplicateNames_ThrowsNamingTheName()
    {
        Assert.That(
            () => new DescriptorCatalog([new("rms", "a", 1, "x", "y"), new("rms", "b", 1, "x", "y")]),
            Throws.ArgumentException.With.Message.Contains("'rms'"));
    }

    [Test]
    public void Definition_InvalidName_ThrowsNamingTheName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new DescriptorDefinition("Rms", "time", 1, "x", "y"), Throws.ArgumentException.With.Message.Contains("'Rms'"));
            Assert.That(() => new DescriptorDefinition("rms@L", "time", 1, "x", "y"), Throws.ArgumentException.With.Message.Contains("'rms@L'"));
            Assert.That(() => new DescriptorDefinition("bands", "b", 1, "x", "y", (0, 4)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Definitions_AreOrderedByName()
    {
        var names = DescriptorCatalog.Default.Definitions.Select(d => d.Name).ToArray();

        Assert.That(names, Is.EqualTo(names.Order(StringComparer.Ordinal).ToArray()));
    }
}
