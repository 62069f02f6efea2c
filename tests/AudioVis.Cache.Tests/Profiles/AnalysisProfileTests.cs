using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Tests.Profiles;

public sealed class AnalysisProfileTests
{
    [TestCase("default")]
    [TestCase("HighRes-FFT_2.v3")]
    [TestCase("0")]
    public void Constructor_ValidId_Succeeds(string id)
    {
        var profile = new AnalysisProfile(id, AnalysisParameters.Default);

        Assert.Multiple(() =>
        {
            Assert.That(profile.Id, Is.EqualTo(id));
            Assert.That(profile.DisplayName, Is.EqualTo(id));
            Assert.That(profile.RevisionHash, Is.EqualTo(ProfileRevisionHash.Compute(AnalysisParameters.Default)));
        });
    }

    [TestCase("")]
    [TestCase("-lead")]
    [TestCase("has space")]
    [TestCase("slash/id")]
    [TestCase("ümlaut")]
    public void Constructor_MalformedId_ThrowsNamingTheId(string id)
    {
        Assert.That(() => new AnalysisProfile(id, AnalysisParameters.Default), Throws.ArgumentException.With.Message.Contains($"'{id}'"));
    }

    [Test]
    public void Constructor_TooLongId_Throws()
    {
        Assert.That(() => new AnalysisProfile(new string('a', 65), AnalysisParameters.Default), Throws.ArgumentException);
    }

    [Test]
    public void Constructor_InvalidParameters_ThrowsTypedError()
    {
        Assert.That(
            () => new AnalysisProfile("p", AnalysisParameters.Default with { HopSize = 0 }),
            Throws.TypeOf<InvalidAnalysisParametersException>().With.Message.Contains("HopSize 0"));
    }

    [Test]
    public void RevisionHash_DoesNotDependOnIdOrDisplayName()
    {
        var a = new AnalysisProfile("a", AnalysisParameters.Default, "A");
        var b = new AnalysisProfile("b", AnalysisParameters.Default, "B");

        Assert.That(a.RevisionHash, Is.EqualTo(b.RevisionHash));
    }

    [Test]
    public void ProfileRevisionHash_Parse_ValidatesAndNormalises()
    {
        var hash = ProfileRevisionHash.Compute(AnalysisParameters.Default);

        Assert.Multiple(() =>
        {
            Assert.That(ProfileRevisionHash.Parse(hash.Value.ToUpperInvariant()), Is.EqualTo(hash));
            Assert.That(hash.Short, Is.EqualTo(hash.Value[..12]));
            Assert.That(() => ProfileRevisionHash.Parse("abc"), Throws.TypeOf<FormatException>().With.Message.Contains("'abc'"));
            Assert.That(() => ProfileRevisionHash.Parse(new string('g', 64)), Throws.TypeOf<FormatException>());
        });
    }
}
