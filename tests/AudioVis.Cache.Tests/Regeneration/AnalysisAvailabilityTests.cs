using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.Logging.Testing;

namespace AudioVis.Cache.Tests.Regeneration;

public sealed class AnalysisAvailabilityTests
{
    [Test]
    public void SetAvailable_SameValue_RaisesNothing()
    {
        var availability = new AnalysisAvailability(new FakeLogger<AnalysisAvailability>());
        var changes = new List<bool>();
        using var subscription = availability.Subscribe(changes.Add);

        availability.SetAvailable(true);
        availability.SetAvailable(false);
        availability.SetAvailable(false);
        availability.SetAvailable(true);

        Assert.Multiple(() =>
        {
            Assert.That(changes, Is.EqualTo(new[] { false, true }));
            Assert.That(availability.IsAvailable, Is.True);
        });
    }
}
