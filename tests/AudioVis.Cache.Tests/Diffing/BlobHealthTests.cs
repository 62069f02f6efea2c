using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Diffing;

public sealed class BlobHealthTests
{
    private static readonly CacheKey Key = new("t.wav", "p");
    private static readonly DescriptorId Rms = DescriptorId.Parse("rms");
    private static readonly BlobUnusable Corrupt = new(FeatureBlobCorruption.ChecksumMismatch, "/c/rms.avcf");

    [Test]
    public void Report_SameReasonTwice_RaisesOnce_AndKeepsTheFirstTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero));
        var health = new BlobHealth(time, NullLogger<BlobHealth>.Instance);
        var changes = new List<CacheKey>();
        health.Subscribe(changes.Add);

        health.Report(Key, Rms, Corrupt);
        var foundAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(1));
        health.Report(Key, Rms, Corrupt with { });

        Assert.Multiple(() =>
        {
            Assert.That(changes, Is.EqualTo(new[] { Key }));
            Assert.That(health.Get(Key)![Rms], Is.EqualTo(new BlobHealthEntry(Corrupt, foundAt)));
        });
    }

    [Test]
    public void Clear_ReportedBlob_RaisesAndEmpties_NothingReported_RaisesNothing()
    {
        var health = new BlobHealth(TimeProvider.System, NullLogger<BlobHealth>.Instance);
        var changes = new List<CacheKey>();
        health.Subscribe(changes.Add);

        health.Clear(Key, Rms);
        health.Report(Key, Rms, Corrupt);
        health.Clear(Key, Rms);

        Assert.Multiple(() =>
        {
            Assert.That(changes, Is.EqualTo(new[] { Key, Key }));
            Assert.That(health.IsEmpty, Is.True);
            Assert.That(health.Get(Key), Is.Null);
        });
    }

    [Test]
    public void Forget_ReplacedEntry_IsKept()
    {
        var health = new BlobHealth(TimeProvider.System, NullLogger<BlobHealth>.Instance);
        health.Report(Key, Rms, Corrupt);
        var seen = health.Get(Key)![Rms];
        health.Report(Key, Rms, new BlobUnusable(null, "/c/rms.avcf"));

        health.Forget(Key, Rms, seen);

        Assert.That(health.Get(Key)![Rms].Reason.IsMissing, Is.True, "a problem found after the differ read the registry stays");
    }
}
