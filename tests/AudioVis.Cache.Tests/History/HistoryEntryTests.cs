using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.History;

public sealed class HistoryEntryTests
{
    private static readonly Guid Id = Guid.Parse("0193c3a4-5b6c-7d8e-9f00-112233445566");
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly CacheKey Key = new("t.wav", "default");
    private static readonly DescriptorId[] Rms = [DescriptorId.Parse("rms")];

    private static HistoryEntry Make(
        Guid? id = null,
        HistoryAction action = HistoryAction.AutoRegenerate,
        IReadOnlyCollection<DescriptorId>? descriptors = null,
        HistoryStatus status = HistoryStatus.Success,
        long durationMs = 5,
        IReadOnlyCollection<string>? elements = null,
        RegenerationReason trigger = RegenerationReason.Stale,
        string? triggerDetail = null,
        long? jobId = 1,
        int attempt = 1,
        string? errorType = null,
        string? errorMessage = null,
        CacheKey? key = null) =>
        new(id ?? Id, At, key ?? Key, action, descriptors ?? Rms, status, durationMs, elements, trigger, triggerDetail, jobId, attempt, errorType, errorMessage);

    [Test]
    public void Constructor_ValidArguments_NormalisesTimestampDescriptorsAndElements()
    {
        var local = new DateTimeOffset(2026, 11, 25, 17, 30, 0, TimeSpan.FromHours(5.5)).AddTicks(1234);
        var entry = new HistoryEntry(
            Id, local, Key, HistoryAction.ManualRegenerate, [DescriptorId.Parse("zcr"), DescriptorId.Parse("rms@L"), DescriptorId.Parse("peak")], HistoryStatus.Success, 0,
            ["b", "a", "b"]);

        Assert.Multiple(() =>
        {
            Assert.That(entry.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(entry.Timestamp.UtcTicks, Is.EqualTo(local.UtcTicks));
            Assert.That(entry.DescriptorIds.Select(d => d.ToString()), Is.EqualTo(new[] { DescriptorId.Parse("peak"), DescriptorId.Parse("rms@L"), DescriptorId.Parse("zcr") }.Order().Select(d => d.ToString())));
            Assert.That(entry.ElementIds, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(entry.Trigger, Is.EqualTo(RegenerationReason.Manual));
        });
    }

    [Test]
    public void Constructor_EmptyId_ThrowsArgumentExceptionNamingIt() =>
        Assert.That(() => Make(id: Guid.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("id").And.Message.Contains("must not be empty"));

    [Test]
    public void Constructor_DefaultKey_ThrowsArgumentException() =>
        Assert.That(() => Make(key: default(CacheKey)), Throws.InstanceOf<ArgumentException>());

    [Test]
    public void Constructor_UndefinedAction_ThrowsOutOfRangeNamingIt() =>
        Assert.That(() => Make(action: (HistoryAction)42), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("action").And.Message.Contains("42").And.Message.Contains(Id.ToString()));

    [Test]
    public void Constructor_UndefinedStatus_ThrowsOutOfRangeNamingIt() =>
        Assert.That(() => Make(status: (HistoryStatus)7), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("status").And.Message.Contains("7"));

    [TestCase(RegenerationReason.None)]
    [TestCase((RegenerationReason)8)]
    [TestCase(RegenerationReason.Manual | (RegenerationReason)16)]
    public void Constructor_InvalidTrigger_ThrowsOutOfRangeNamingIt(RegenerationReason trigger) =>
        Assert.That(() => Make(trigger: trigger), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("trigger").And.Message.Contains("Missing, Stale, Manual"));

    [Test]
    public void Constructor_NegativeDuration_ThrowsOutOfRangeNamingIt() =>
        Assert.That(() => Make(durationMs: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("durationMs").And.Message.Contains("-1"));

    [Test]
    public void Constructor_NegativeAttempt_ThrowsOutOfRangeNamingIt() =>
        Assert.That(() => Make(attempt: -2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("attempt").And.Message.Contains("-2"));

    [TestCase(0L)]
    [TestCase(-5L)]
    public void Constructor_NonPositiveJobId_ThrowsOutOfRangeNamingIt(long jobId) =>
        Assert.That(() => Make(jobId: jobId), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("jobId").And.Message.Contains(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void Constructor_NullDescriptors_ThrowsArgumentNull() =>
        Assert.That(() => new HistoryEntry(Id, At, Key, HistoryAction.Dismissed, null!, HistoryStatus.Success, 0), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("descriptorIds"));

    [Test]
    public void Constructor_NoDescriptors_ThrowsArgumentExceptionNamingTheEntry() =>
        Assert.That(() => Make(descriptors: []), Throws.ArgumentException.With.Property("ParamName").EqualTo("descriptorIds").And.Message.Contains(Id.ToString()));

    [Test]
    public void Constructor_NullDescriptor_ThrowsArgumentNull() =>
        Assert.That(() => Make(descriptors: [DescriptorId.Parse("rms"), null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("descriptorIds"));

    [Test]
    public void Constructor_DuplicateDescriptor_ThrowsArgumentExceptionNamingIt() =>
        Assert.That(
            () => Make(descriptors: [DescriptorId.Parse("rms@L"), DescriptorId.Parse("peak"), DescriptorId.Parse("rms@L")]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("descriptorIds").And.Message.Contains("'rms@L'"));

    [TestCase("")]
    [TestCase(null)]
    public void Constructor_NullOrEmptyElement_ThrowsArgumentExceptionNamingTheEntry(string? element) =>
        Assert.That(() => Make(elements: ["el-1", element!]), Throws.ArgumentException.With.Property("ParamName").EqualTo("elementIds").And.Message.Contains(Id.ToString()));

    [Test]
    public void Constructor_SuccessWithErrorType_ThrowsArgumentExceptionNamingIt() =>
        Assert.That(() => Make(errorType: "IOException"), Throws.ArgumentException.With.Property("ParamName").EqualTo("errorType").And.Message.Contains("'IOException'"));

    [Test]
    public void Constructor_SuccessWithErrorMessage_ThrowsArgumentException() =>
        Assert.That(() => Make(errorMessage: "disk full"), Throws.ArgumentException.With.Property("ParamName").EqualTo("errorType"));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Constructor_FailureWithoutErrorType_ThrowsArgumentExceptionNamingIt(string? errorType) =>
        Assert.That(() => Make(status: HistoryStatus.Failure, errorType: errorType), Throws.ArgumentException.With.Property("ParamName").EqualTo("errorType").And.Message.Contains(HistoryEntry.CancelledErrorType));

    [Test]
    public void Constructor_LongTexts_AreCutWithAnEllipsis()
    {
        var entry = Make(status: HistoryStatus.Failure, errorType: "IOException", errorMessage: new string('m', HistoryEntry.MaxTextLength + 10), triggerDetail: new string('d', HistoryEntry.MaxTextLength));

        Assert.Multiple(() =>
        {
            Assert.That(entry.ErrorMessage, Has.Length.EqualTo(HistoryEntry.MaxTextLength).And.EndsWith("m…"));
            Assert.That(entry.TriggerDetail, Is.EqualTo(new string('d', HistoryEntry.MaxTextLength)));
        });
    }

    /// <summary>Regression: the cut split a surrogate pair, leaving a lone high surrogate that a UTF-8 store cannot keep.</summary>
    [Test]
    public void Constructor_LongTextCutInsideASurrogatePair_KeepsTheTextValidUtf16()
    {
        // "🎵" is two UTF-16 units; place one so that the naive cut (MaxTextLength - 1 units) falls between them.
        var text = new string('a', HistoryEntry.MaxTextLength - 2) + "🎵🎵";

        var entry = Make(triggerDetail: text);

        Assert.Multiple(() =>
        {
            Assert.That(entry.TriggerDetail, Is.EqualTo(new string('a', HistoryEntry.MaxTextLength - 2) + "…"));
            Assert.That(entry.TriggerDetail!.EnumerateRunes().All(r => r != System.Text.Rune.ReplacementChar), Is.True);
            Assert.That(System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(entry.TriggerDetail)), Is.EqualTo(entry.TriggerDetail));
        });
    }

    [Test]
    public void Equals_SameFields_AreEqualAndDifferentFieldsAreNot()
    {
        var a = Make(elements: ["x", "y"]);
        var b = Make(elements: ["y", "x"]);

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(Make(elements: ["x"])));
            Assert.That(a, Is.Not.EqualTo(Make(durationMs: 6, elements: ["x", "y"])));
        });
    }

    [Test]
    public void NewId_IsVersion7AndOrderedByTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At);
        var first = HistoryEntry.NewId(time);
        time.Advance(TimeSpan.FromMilliseconds(5));
        var second = HistoryEntry.NewId(time);

        Assert.Multiple(() =>
        {
            Assert.That(first.Version, Is.EqualTo(7));
            Assert.That(string.CompareOrdinal(first.ToString("D"), second.ToString("D")), Is.Negative);
            Assert.That(() => HistoryEntry.NewId(null!), Throws.ArgumentNullException);
        });
    }
}
