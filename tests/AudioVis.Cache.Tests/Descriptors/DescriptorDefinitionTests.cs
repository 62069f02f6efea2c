using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Tests.Descriptors;

public sealed class DescriptorDefinitionTests
{
    private static readonly string[] AllParameters = [.. AnalysisParameters.Default.ToCanonicalPairs().Select(p => p.Key)];

    [Test]
    public void ParameterDependencies_NotGiven_EveryParameter() =>
        Assert.That(new DescriptorDefinition("custom.x", "custom", 1, "linear", "x").ParameterDependencies, Is.EqualTo(AllParameters));

    // Issue #10: a host descriptor that declares no dependencies is stale on a spectrum_encoding edit too (the safe choice).
    [Test]
    public void ParameterDependencies_NotGiven_IncludeTheSpectrumEncoding()
    {
        var definition = new DescriptorDefinition("custom.x", "custom", 1, "linear", "x");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(definition.ParameterDependencies[^1], Is.EqualTo("spectrum_encoding"));
            Assert.That(definition.DependencyMask, Is.EqualTo((1 << 11) - 1));
        }
    }

    [Test]
    public void ParameterDependencies_Given_CanonicalOrderWithoutDuplicates() =>
        Assert.That(
            new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["fft_size", "window_size", "fft_size"]).ParameterDependencies,
            Is.EqualTo(new[] { "window_size", "fft_size" }));

    [Test]
    public void ParameterDependencies_Empty_None() =>
        Assert.That(new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: []).ParameterDependencies, Is.Empty);

    [Test]
    public void Constructor_UnknownParameterName_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["fftSize"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("parameterDependencies"));
            Assert.That(ex.Message, Does.StartWith("Parameter dependency 'fftSize' is not a canonical profile parameter name; use one of window_size, hop_size, fft_size,"));
        });
    }

    [Test]
    public void Equals_ComparesDependenciesByValue()
    {
        var a = new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["hop_size", "window_size"]);
        var b = new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["window_size", "hop_size"]);
        var c = new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["window_size"]);

        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(b.GetHashCode(), Is.EqualTo(a.GetHashCode()));
            Assert.That(c, Is.Not.EqualTo(a));
        });
    }

    [TestCase("rms", "window_size,hop_size,sample_rate")]
    [TestCase("peak", "window_size,hop_size,sample_rate")]
    [TestCase("zcr", "window_size,hop_size,sample_rate")]
    [TestCase("waveform.minmax", "window_size,hop_size,sample_rate")]
    [TestCase("spectrum", "window_size,hop_size,fft_size,window,sample_rate,spectrum_encoding")]
    [TestCase("spectrum.db", "window_size,hop_size,fft_size,window,db_min,db_max,sample_rate,spectrum_encoding")]
    [TestCase("spectrum.bands32", "window_size,hop_size,fft_size,window,band_layout,band_min_hz,band_max_hz,sample_rate,spectrum_encoding")]
    [TestCase("spectral.centroid", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("spectral.rolloff", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("spectral.flux", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("spectral.flatness", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("onset.strength", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("chroma", "window_size,hop_size,fft_size,window,sample_rate")]
    [TestCase("mfcc", "window_size,hop_size,fft_size,window,sample_rate")]
    public void ParameterDependencies_BuiltIn_AsDocumented(string descriptor, string expected)
    {
        Assert.That(DescriptorCatalog.Default.TryGetDefinition(DescriptorId.Parse(descriptor), out var definition), Is.True);
        Assert.That(string.Join(',', definition!.ParameterDependencies), Is.EqualTo(expected));
    }
    [Test]
    public void ToString_ListsTheDependencyNames() =>
        Assert.That(
            new DescriptorDefinition("custom.x", "custom", 1, "linear", "x", parameterDependencies: ["hop_size", "window_size"]).ToString(),
            Is.EqualTo("DescriptorDefinition { Name = custom.x, CalculatorId = custom, CalculatorVersion = 1, Unit = linear, Summary = x, SuffixRange = , ParameterDependencies = [window_size, hop_size] }"));
}
