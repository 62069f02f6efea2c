using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.Storage;

public sealed class CacheMetadataRecordTests
{
    private static readonly CacheKey Key = new("t.wav", "default");
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Constructor_ParametersThatDoNotMatchTheRevision_Throws()
    {
        var other = AnalysisParameters.Default with { HopSize = 256 };

        Assert.That(
            () => new CacheMetadataRecord(Key, DescriptorId.Parse("rms"), ProfileRevisionHash.Compute(AnalysisParameters.Default), other, "src", "time", 1, At),
            Throws.ArgumentException.With.Message.Contains("The parameters of rms for t.wav | default hash to"));
    }

    [Test]
    public void Constructor_BadFields_ThrowNamingThem()
    {
        var hash = ProfileRevisionHash.Compute(AnalysisParameters.Default);
        var rms = DescriptorId.Parse("rms");

        Assert.Multiple(() =>
        {
            Assert.That(() => new CacheMetadataRecord(default, rms, hash, null, "src", "time", 1, At), Throws.ArgumentException.With.Message.Contains("default value"));
            Assert.That(() => new CacheMetadataRecord(Key, null!, hash, null, "src", "time", 1, At), Throws.ArgumentNullException);
            Assert.That(() => new CacheMetadataRecord(Key, rms, null!, null, "src", "time", 1, At), Throws.ArgumentNullException);
            Assert.That(() => new CacheMetadataRecord(Key, rms, hash, null, "", "time", 1, At), Throws.ArgumentException.With.Message.Contains("Source content hash"));
            Assert.That(() => new CacheMetadataRecord(Key, rms, hash, null, "src", " ", 1, At), Throws.ArgumentException.With.Message.Contains("Calculator id"));
            Assert.That(() => new CacheMetadataRecord(Key, rms, hash, null, "src", "time", -1, At), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void CacheKey_OrdersByTrackThenProfileOrdinally()
    {
        CacheKey[] keys = [new("b", "a"), new("a", "b"), new("B", "z"), new("a", "a")];

        Array.Sort(keys);

        Assert.That(keys.Select(k => k.ToString()), Is.EqualTo(new[] { "B | z", "a | a", "a | b", "b | a" }));
    }

    [Test]
    public void CacheKey_InvalidParts_Throw()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new CacheKey("", "default"), Throws.ArgumentException.With.Message.Contains("Track reference"));
            Assert.That(() => new CacheKey("t", "bad id"), Throws.ArgumentException.With.Message.Contains("'bad id'"));
            Assert.That(() => new CacheKey(null!, "default"), Throws.ArgumentNullException);
        });
    }
}
