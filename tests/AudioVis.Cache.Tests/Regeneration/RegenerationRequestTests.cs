using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.Regeneration;

public sealed class RegenerationRequestTests
{
    private static readonly CacheKey Key = new("a.wav", "default");

    [Test]
    public void Ctor_Valid_SortsDescriptorsAndKeepsElements()
    {
        var request = new RegenerationRequest(Key, [DescriptorId.Parse("spectral.centroid"), DescriptorId.Parse("rms")], RegenerationReason.Stale, ["el-2", "el-1"]);

        Assert.Multiple(() =>
        {
            Assert.That(request.Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "rms", "spectral.centroid" }));
            Assert.That(request.RequestingElementIds, Is.EqualTo(new[] { "el-2", "el-1" }));
            Assert.That(request.Reason, Is.EqualTo(RegenerationReason.Stale));
        });
    }

    [Test]
    public void Ctor_Invalid_ThrowsWithMessagesThatNameTheProblem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new RegenerationRequest(Key, [], RegenerationReason.Manual), Throws.ArgumentException.With.Message.StartsWith("A regeneration request for a.wav | default must name at least one descriptor."));
            Assert.That(() => new RegenerationRequest(Key, [DescriptorId.Parse("rms"), DescriptorId.Parse("rms@mono")], RegenerationReason.Manual), Throws.ArgumentException.With.Message.StartsWith("The regeneration request for a.wav | default names descriptor 'rms' twice."));
            Assert.That(() => new RegenerationRequest(Key, [DescriptorId.Parse("rms")], RegenerationReason.None), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RegenerationRequest(Key, [DescriptorId.Parse("rms")], (RegenerationReason)8), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RegenerationRequest(Key, [DescriptorId.Parse("rms")], RegenerationReason.Manual, [""]), Throws.ArgumentException.With.Message.StartsWith("A requesting element id of the regeneration request for a.wav | default is null or empty."));
            Assert.That(() => new RegenerationRequest(default, [DescriptorId.Parse("rms")], RegenerationReason.Manual), Throws.ArgumentException);
        });
    }
}
