using AudioVis.Cache.History;

namespace AudioVis.Cache.Tests.History;

public sealed class HistoryQueryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Validate_Defaults_Pass() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => HistoryQuery.All.Validate(), Throws.Nothing);
            Assert.That(HistoryQuery.All.PageSize, Is.EqualTo(HistoryQuery.DefaultPageSize));
            Assert.That(() => new HistoryQuery { PageSize = 1, From = At, Until = At.AddTicks(1) }.Validate(), Throws.Nothing);
            Assert.That(() => new HistoryQuery { PageSize = HistoryQuery.MaxPageSize }.Validate(), Throws.Nothing);
        });

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(HistoryQuery.MaxPageSize + 1)]
    public void Validate_PageSizeOutOfRange_ThrowsNamingIt(int pageSize) =>
        Assert.That(() => new HistoryQuery { PageSize = pageSize }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("PageSize").And.Message.Contains(pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [TestCase(0)]
    [TestCase(-1)]
    public void Validate_EmptyOrInvertedTimeRange_ThrowsNamingBothBounds(long untilOffsetTicks) =>
        Assert.That(
            () => new HistoryQuery { From = At, Until = At.AddTicks(untilOffsetTicks) }.Validate(),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("Until").And.Message.Contains(At.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void Validate_EmptyFilters_ThrowNamingTheFilter() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => new HistoryQuery { ElementId = string.Empty }.Validate(), Throws.ArgumentException.With.Property("ParamName").EqualTo("ElementId"));
            Assert.That(() => new HistoryQuery { TrackRef = string.Empty }.Validate(), Throws.ArgumentException.With.Property("ParamName").EqualTo("TrackRef"));
            Assert.That(() => new HistoryQuery { AnalysisProfileId = string.Empty }.Validate(), Throws.ArgumentException.With.Property("ParamName").EqualTo("AnalysisProfileId"));
        });

    [Test]
    public void Validate_UndefinedEnums_ThrowOutOfRange() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => new HistoryQuery { Action = (HistoryAction)5 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Action"));
            Assert.That(() => new HistoryQuery { Status = (HistoryStatus)5 }.Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Status"));
        });

    [Test]
    public void Validate_MalformedToken_ThrowsQuotingIt() =>
        Assert.That(() => new HistoryQuery { ContinuationToken = "nope" }.Validate(), Throws.ArgumentException.With.Message.Contains("'nope'"));
}
