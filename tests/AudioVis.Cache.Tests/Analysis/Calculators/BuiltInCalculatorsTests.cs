using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using CsCheck;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class BuiltInCalculatorsTests
{
    /// <summary>One id per built-in descriptor (bands at both ends of their range), with a channel alias on some.</summary>
    private static readonly string[] AllDescriptors =
    [
        "spectrum", "spectrum.db", "spectrum.bands1", "spectrum.bands32@L", "spectrum.bands512", "rms", "peak", "zcr@mid",
        "waveform.minmax", "spectral.centroid", "spectral.rolloff", "spectral.flux", "spectral.flatness", "onset.strength",
        "chroma", "mfcc@ch3",
    ];

    /// <summary>The catalogue table of docs/descriptors.md: name, calculator, version, unit.</summary>
    private static readonly (string Name, string Calculator, int Version, string Unit)[] DocumentedCatalogue =
    [
        ("chroma", "chroma", 2, "linear"),
        ("mfcc", "mfcc", 4, "dB"),
        ("onset.strength", "onset", 3, "linear"),
        ("peak", "time", 3, "linear"),
        ("rms", "time", 3, "linear"),
        ("spectral.centroid", "spectral", 3, "Hz"),
        ("spectral.flatness", "spectral", 3, "ratio"),
        ("spectral.flux", "spectral", 3, "linear"),
        ("spectral.rolloff", "spectral", 3, "Hz"),
        ("spectrum", "spectrum", 3, "linear"),
        ("spectrum.bands", "bands", 3, "power"),
        ("spectrum.db", "spectrum", 3, "dB"),
        ("waveform.minmax", "waveform", 1, "linear"),
        ("zcr", "time", 3, "ratio"),
    ];

    [Test]
    public void All_CalculatorIds_AreTheCatalogueCalculatorsInOrder()
    {
        Assert.That(
            BuiltInCalculators.All.Select(c => c.Id),
            Is.EqualTo(new[] { "spectrum", "bands", "time", "waveform", "spectral", "onset", "chroma", "mfcc" }).AsCollection);
    }

    [Test]
    public void DefaultCatalogue_EqualsTheCatalogueOfTheBuiltInCalculatorsAndTheDocumentedTable()
    {
        var fromCalculators = DescriptorCatalog.FromCalculators(BuiltInCalculators.All);

        Assert.Multiple(() =>
        {
            Assert.That(DescriptorCatalog.Default.Definitions, Is.EqualTo(fromCalculators.Definitions).AsCollection);
            Assert.That(
                DescriptorCatalog.Default.Definitions.Select(d => (d.Name, d.CalculatorId, d.CalculatorVersion, d.Unit)),
                Is.EqualTo(DocumentedCatalogue).AsCollection);
            Assert.That(
                DescriptorCatalog.Default.Definitions.Single(d => d.Name == "spectrum.bands").SuffixRange,
                Is.EqualTo(((int, int)?)(1, 512)));
        });
    }

    [Test]
    public void Definitions_OfEveryCalculator_NameItsIdAndVersion()
    {
        Assert.Multiple(() =>
        {
            foreach (var calculator in BuiltInCalculators.All)
            {
                Assert.That(calculator.Definitions, Is.Not.Empty, calculator.Id);
                Assert.That(calculator.Definitions.Select(d => d.CalculatorId), Has.All.EqualTo(calculator.Id));
                Assert.That(calculator.Definitions.Select(d => d.CalculatorVersion), Has.All.EqualTo(calculator.Version));
            }
        });
    }

    [Test]
    public void Compute_EveryDescriptor_AllocatesNothingPerFrame()
    {
        var context = Context();
        var frames = Frames(Noise(2048 + (8 * 512), seed: 61), context);

        Assert.Multiple(() =>
        {
            foreach (var descriptor in AllDescriptors)
            {
                var computer = CalculatorRegistry.BuiltIn.CreateComputer(DescriptorId.Parse(descriptor), context);
                var values = new float[computer.ValuesPerFrame];
                var spans = frames.Select(f => (f.Samples, f.HopSamples, f.MagnitudesF, f.PowerF, f.LogPowerF)).ToArray();
                Compute(computer, spans[0], 0, values); // first call: JIT and static initialisation
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var k = 1; k < spans.Length; k++)
                {
                    Compute(computer, spans[k], k, values);
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.That(allocated, Is.Zero, descriptor);
            }
        });

        static void Compute(IDescriptorFrameComputer computer, (float[] S, float[] H, float[] M, float[] P, float[] L) f, int index, float[] values) =>
            computer.Compute(new AnalysisFrame(index, f.S, f.H, f.M, f.P, f.L), values);
    }

    [Test]
    public void Compute_SameInputThroughFreshComputers_IsBitIdenticalOnAnyThread()
    {
        var context = Context();
        var frames = Frames(Add(Noise(2048 + (6 * 512), seed: 71), Sine(2048 + (6 * 512), 987.6)), context);
        var reference = AllDescriptors.ToDictionary(d => d, d => Bits(Run(d, context, frames)));

        var runs = new System.Collections.Concurrent.ConcurrentBag<(string Descriptor, int[] Bits)>();
        Parallel.For(0, AllDescriptors.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var descriptor = AllDescriptors[i % AllDescriptors.Length];
            runs.Add((descriptor, Bits(Run(descriptor, context, frames))));
        });

        Assert.Multiple(() =>
        {
            Assert.That(runs, Has.Count.EqualTo(AllDescriptors.Length * 4));
            foreach (var (descriptor, bits) in runs)
            {
                Assert.That(bits, Is.EqualTo(reference[descriptor]).AsCollection, descriptor);
            }
        });

        static int[] Bits(float[][] rows) => [.. rows.SelectMany(r => r).Select(BitConverter.SingleToInt32Bits)];
    }

    [Test]
    public void Compute_RandomFramesThroughEveryDescriptor_GivesFiniteValues()
    {
        var context = Context(Parameters(256, 64, 256));
        var window = HannWindow(256);
        Gen.Float[-1f, 1f].Array[256].Array[2].Sample(signals =>
        {
            var frames = signals.Select((s, k) => new TestFrame(k, s, s[..64], Magnitudes(s, window, 256))).ToArray();
            return AllDescriptors.All(d => Run(d, context, frames).All(row => row.All(float.IsFinite)));
        });
    }

    [Test]
    public void CreateComputer_DescriptorOfAnotherCalculator_ThrowsNamingIt()
    {
        var spectral = BuiltInCalculators.All.Single(c => c.Id == "spectral");

        var ex = Assert.Throws<ArgumentException>(() => spectral.CreateComputer(DescriptorId.Parse("rms@L"), Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("descriptor"));
            Assert.That(ex.Message, Does.Contain("'spectral' calculator does not produce descriptor 'rms@L'"));
            Assert.That(ex.Message, Does.Contain("'spectral.centroid'"));
        });
    }

    [Test]
    public void CreateComputer_NullArguments_Throw()
    {
        var time = BuiltInCalculators.All.Single(c => c.Id == "time");

        Assert.Multiple(() =>
        {
            Assert.That(() => time.CreateComputer(null!, Context()), Throws.ArgumentNullException);
            Assert.That(() => time.CreateComputer(DescriptorId.Parse("rms"), null!), Throws.ArgumentNullException);
        });
    }

    [TestCase(0, "values has 0 values; expected 1.")]
    [TestCase(2, "values has 2 values; expected 1.")]
    public void Compute_WrongValuesLength_ThrowsNamingTheLengths(int length, string message)
    {
        var frame = Frames(Noise(2048, seed: 1), Context())[0];
        var computer = CalculatorRegistry.BuiltIn.CreateComputer(DescriptorId.Parse("rms"), Context());

        var ex = Assert.Throws<ArgumentException>(() =>
            computer.Compute(new AnalysisFrame(0, frame.Samples, frame.HopSamples, frame.MagnitudesF, frame.PowerF, frame.LogPowerF), new float[length]));

        Assert.That(ex.Message, Does.StartWith(message));
    }

    [Test]
    public void Compute_SpectrumOfWrongLength_ThrowsNamingIt()
    {
        var frame = Frames(Noise(2048, seed: 1), Context())[0];
        var computer = CalculatorRegistry.BuiltIn.CreateComputer(DescriptorId.Parse("spectral.centroid"), Context());

        var ex = Assert.Throws<ArgumentException>(() =>
            computer.Compute(new AnalysisFrame(0, frame.Samples, frame.HopSamples, frame.MagnitudesF.AsSpan(1), frame.PowerF, frame.LogPowerF), new float[1]));

        Assert.That(ex.Message, Does.StartWith("Magnitudes has 1024 values; expected 1025."));
    }

    [Test]
    public void ValuesPerFrame_EveryDescriptor_IsDocumentedCount()
    {
        var context = Context();
        var expected = new Dictionary<string, int>
        {
            ["spectrum"] = 1025, ["spectrum.db"] = 1025, ["spectrum.bands1"] = 1, ["spectrum.bands32@L"] = 32, ["spectrum.bands512"] = 512,
            ["rms"] = 1, ["peak"] = 1, ["zcr@mid"] = 1, ["waveform.minmax"] = 2, ["spectral.centroid"] = 1, ["spectral.rolloff"] = 1,
            ["spectral.flux"] = 1, ["spectral.flatness"] = 1, ["onset.strength"] = 1, ["chroma"] = 12, ["mfcc@ch3"] = 13,
        };

        Assert.That(
            AllDescriptors.ToDictionary(d => d, d => CalculatorRegistry.BuiltIn.CreateComputer(DescriptorId.Parse(d), context).ValuesPerFrame),
            Is.EqualTo(expected));
    }
}
