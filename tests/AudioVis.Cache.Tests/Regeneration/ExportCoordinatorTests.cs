using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.Logging.Testing;

namespace AudioVis.Cache.Tests.Regeneration;

public sealed class ExportCoordinatorTests
{
    [Test]
    public void BeginExport_NestedScopes_InProgressUntilTheLastCloses()
    {
        var coordinator = new ExportCoordinator(new FakeLogger<ExportCoordinator>());
        var changes = new List<bool>();
        using var subscription = coordinator.Subscribe(changes.Add);

        var outer = coordinator.BeginExport();
        var inner = coordinator.BeginExport();
        inner.Dispose();
        inner.Dispose();
        var afterInner = coordinator.IsExportInProgress;
        outer.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(afterInner, Is.True, "disposing a scope twice closes it once");
            Assert.That(coordinator.IsExportInProgress, Is.False);
            Assert.That(changes, Is.EqualTo(new[] { true, false }), "one change when the first opens, one when the last closes");
        });
    }
}
