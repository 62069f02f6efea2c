using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.Tests.History;

public sealed class HistoryWireNamesTests
{
    [TestCase(HistoryAction.AutoRegenerate, "auto_regenerate")]
    [TestCase(HistoryAction.ManualRegenerate, "manual_regenerate")]
    [TestCase(HistoryAction.Dismissed, "dismissed")]
    public void Action_RoundTrips(HistoryAction action, string name) =>
        Assert.Multiple(() =>
        {
            Assert.That(HistoryWireNames.Of(action), Is.EqualTo(name));
            Assert.That(HistoryWireNames.ParseAction(name), Is.EqualTo(action));
        });

    [TestCase(HistoryStatus.Success, "success")]
    [TestCase(HistoryStatus.Failure, "failure")]
    public void Status_RoundTrips(HistoryStatus status, string name) =>
        Assert.Multiple(() =>
        {
            Assert.That(HistoryWireNames.Of(status), Is.EqualTo(name));
            Assert.That(HistoryWireNames.ParseStatus(name), Is.EqualTo(status));
        });

    [TestCase(RegenerationReason.Missing, "missing")]
    [TestCase(RegenerationReason.Stale, "stale")]
    [TestCase(RegenerationReason.Manual, "manual")]
    [TestCase(RegenerationReason.Missing | RegenerationReason.Stale, "missing+stale")]
    [TestCase(RegenerationReason.Missing | RegenerationReason.Manual, "missing+manual")]
    [TestCase(RegenerationReason.Stale | RegenerationReason.Manual, "stale+manual")]
    [TestCase(RegenerationReason.Missing | RegenerationReason.Stale | RegenerationReason.Manual, "missing+stale+manual")]
    public void Trigger_EveryCombination_RoundTrips(RegenerationReason trigger, string name) =>
        Assert.Multiple(() =>
        {
            Assert.That(HistoryWireNames.Of(trigger), Is.EqualTo(name));
            Assert.That(HistoryWireNames.ParseTrigger(name), Is.EqualTo(trigger));
        });

    [TestCase("")]
    [TestCase("Auto_Regenerate")]
    [TestCase("autoRegenerate")]
    [TestCase(" dismissed")]
    [TestCase("success")]
    public void ParseAction_UnknownName_ThrowsFormatExceptionNamingIt(string name) =>
        Assert.That(() => HistoryWireNames.ParseAction(name), Throws.InstanceOf<FormatException>().With.Message.Contains($"'{name}'"));

    [TestCase("")]
    [TestCase("Success")]
    [TestCase("failed")]
    [TestCase("cancelled")]
    public void ParseStatus_UnknownName_ThrowsFormatExceptionNamingIt(string name) =>
        Assert.That(() => HistoryWireNames.ParseStatus(name), Throws.InstanceOf<FormatException>().With.Message.Contains($"'{name}'"));

    [TestCase("")]
    [TestCase("none")]
    [TestCase("Missing")]
    [TestCase("missing+")]
    [TestCase("+stale")]
    [TestCase("stale+missing")]
    [TestCase("missing+missing")]
    [TestCase("missing, stale")]
    public void ParseTrigger_UnknownOrNonCanonicalName_ThrowsFormatExceptionNamingIt(string name) =>
        Assert.That(() => HistoryWireNames.ParseTrigger(name), Throws.InstanceOf<FormatException>().With.Message.Contains($"'{name}'"));

    [Test]
    public void Of_UndefinedValues_ThrowOutOfRange() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => HistoryWireNames.Of((HistoryAction)3), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HistoryWireNames.Of((HistoryStatus)2), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HistoryWireNames.Of(RegenerationReason.None), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HistoryWireNames.Of((RegenerationReason)8), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
}
