using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class CalculatorRegistryTests
{
    [TestCase("spectrum.bands32@L", "bands")]
    [TestCase("mfcc", "mfcc")]
    [TestCase("spectrum.db@side", "spectrum")]
    [TestCase("waveform.minmax", "waveform")]
    public void TryGetCalculator_KnownDescriptor_FindsItsCalculator(string descriptor, string calculatorId)
    {
        var found = CalculatorRegistry.BuiltIn.TryGetCalculator(DescriptorId.Parse(descriptor), out var calculator);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(calculator!.Id, Is.EqualTo(calculatorId));
        });
    }

    [TestCase("spectrum.bands0")]
    [TestCase("spectrum.bands513")]
    [TestCase("loudness")]
    public void TryGetCalculator_UnknownDescriptor_ReturnsFalse(string descriptor)
    {
        Assert.That(CalculatorRegistry.BuiltIn.TryGetCalculator(DescriptorId.Parse(descriptor), out _), Is.False);
    }

    [Test]
    public void CreateComputer_UnknownDescriptor_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => CalculatorRegistry.BuiltIn.CreateComputer(DescriptorId.Parse("spectrum.bands513"), Context()));

        Assert.That(ex.Message, Does.Contain("'spectrum.bands513'"));
    }

    [Test]
    public void Constructor_IntegratorCalculator_IsFoundAndComputes()
    {
        var custom = new FakeCalculator("energy", 3, new DescriptorDefinition("energy.total", "energy", 3, "power", "Total power."));
        var registry = new CalculatorRegistry([.. BuiltInCalculators.All, custom]);
        var frame = Frames(Noise(2048, seed: 1), Context())[0];

        var found = registry.TryGetCalculator(DescriptorId.Parse("energy.total@R"), out var calculator);
        var values = frame.Compute(registry.CreateComputer(DescriptorId.Parse("energy.total"), Context()));

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(calculator, Is.SameAs(custom));
            Assert.That(registry.Catalog.TryGetDefinition(DescriptorId.Parse("energy.total"), out var definition), Is.True);
            Assert.That(definition!.CalculatorVersion, Is.EqualTo(3));
            Assert.That(values[0], Is.EqualTo(frame.PowerF.Sum()).Within(1e-3));
        });
    }

    [Test]
    public void WithHostCalculators_None_IsTheBuiltInRegistry()
    {
        Assert.That(CalculatorRegistry.WithHostCalculators([]), Is.SameAs(CalculatorRegistry.BuiltIn));
    }

    [Test]
    public void WithHostCalculators_SameInstanceTwice_CountsOnceAfterTheBuiltIns()
    {
        var custom = new FakeCalculator("energy", 1, new DescriptorDefinition("energy.total", "energy", 1, "power", "Total power."));

        var registry = CalculatorRegistry.WithHostCalculators([custom, custom]);

        Assert.That(registry.Calculators, Is.EqualTo([.. BuiltInCalculators.All, custom]));
    }

    [Test]
    public void BuiltIn_Catalog_IsTheDefaultCatalogue()
    {
        Assert.That(CalculatorRegistry.BuiltIn.Catalog, Is.SameAs(DescriptorCatalog.Default));
    }

    [Test]
    public void FromCalculators_TwoCalculatorsWithOneId_Throws()
    {
        var a = new FakeCalculator("x", 1, new DescriptorDefinition("x.a", "x", 1, "linear", "A."));
        var b = new FakeCalculator("x", 1, new DescriptorDefinition("x.b", "x", 1, "linear", "B."));

        var ex = Assert.Throws<ArgumentException>(() => DescriptorCatalog.FromCalculators([a, b]));

        Assert.That(ex.Message, Does.StartWith("Two calculators have the id 'x'."));
    }

    [TestCase("y", 1)]
    [TestCase("x", 2)]
    public void FromCalculators_DefinitionNotMatchingItsCalculator_ThrowsNamingBoth(string definitionCalculator, int definitionVersion)
    {
        var calculator = new FakeCalculator("x", 1, new DescriptorDefinition("x.a", definitionCalculator, definitionVersion, "linear", "A."));

        var ex = Assert.Throws<ArgumentException>(() => DescriptorCatalog.FromCalculators([calculator]));

        Assert.That(ex.Message, Does.StartWith($"Descriptor 'x.a' names calculator '{definitionCalculator}' v{definitionVersion} but is produced by calculator 'x' v1."));
    }

    [Test]
    public void FromCalculators_NameTakenByABuiltIn_Throws()
    {
        var calculator = new FakeCalculator("mine", 1, new DescriptorDefinition("rms", "mine", 1, "linear", "My RMS."));

        var ex = Assert.Throws<ArgumentException>(() => DescriptorCatalog.FromCalculators([.. BuiltInCalculators.All, calculator]));

        Assert.That(ex.Message, Does.Contain("two definitions named 'rms'"));
    }

    [Test]
    public void FromCalculators_NameInsideAFamily_Throws()
    {
        var calculator = new FakeCalculator("mine", 1, new DescriptorDefinition("spectrum.bands7", "mine", 1, "power", "Seven bands."));

        var ex = Assert.Throws<ArgumentException>(() => DescriptorCatalog.FromCalculators([.. BuiltInCalculators.All, calculator]));

        Assert.That(ex.Message, Does.Contain("'spectrum.bands7' of calculator 'mine' is also a member of the family 'spectrum.bands' of calculator 'bands'"));
    }

    [Test]
    public void FromCalculators_Null_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DescriptorCatalog.FromCalculators(null!), Throws.ArgumentNullException);
            Assert.That(() => DescriptorCatalog.FromCalculators([null!]), Throws.ArgumentNullException);
        });
    }

    /// <summary>An integrator's calculator: total power per frame.</summary>
    private sealed class FakeCalculator(string id, int version, params DescriptorDefinition[] definitions) : IDescriptorCalculator
    {
        public string Id => id;

        public int Version => version;

        public IReadOnlyList<DescriptorDefinition> Definitions => definitions;

        public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context) => new TotalPower();

        private sealed class TotalPower : IDescriptorFrameComputer
        {
            public int ValuesPerFrame => 1;

            public void Compute(in AnalysisFrame frame, Span<float> values)
            {
                var sum = 0f;
                foreach (var p in frame.Power)
                {
                    sum += p;
                }

                values[0] = sum;
            }
        }
    }
}
