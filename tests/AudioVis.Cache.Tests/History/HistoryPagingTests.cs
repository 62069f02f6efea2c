using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.History;

public sealed class HistoryPagingTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(77);
    private static readonly Guid Id = Guid.Parse("0193c3a4-5b6c-7d8e-9f00-a1b2c3d4e5f6");

    private static HistoryEntry Entry(Guid id, DateTimeOffset at) =>
        new(id, at, new CacheKey("t.wav", "default"), HistoryAction.Dismissed, [DescriptorId.Parse("rms")], HistoryStatus.Success, 0);

    [Test]
    public void CreateToken_ThenParse_RoundTripsThePosition()
    {
        var token = HistoryPaging.CreateToken(Entry(Id, At));

        Assert.Multiple(() =>
        {
            Assert.That(HistoryPaging.ParseToken(token), Is.EqualTo((At.UtcTicks, Id)));
            Assert.That(token, Does.StartWith("h1."));
        });
    }

    private static IEnumerable<string> InvalidTokens()
    {
        var token = HistoryPaging.CreateToken(Entry(Id, At));
        yield return string.Empty;
        yield return "garbage";
        yield return "h1.";
        yield return "h1..";
        yield return token[..^1];
        yield return token[..10];
        yield return token + "a";
        yield return token.ToUpperInvariant();
        yield return "h2" + token[2..];
        yield return token + ".5";
        yield return token.Replace(Id.ToString("N"), Id.ToString("D"), StringComparison.Ordinal);
        yield return token.Replace(Id.ToString("N"), Id.ToString("N").ToUpperInvariant(), StringComparison.Ordinal);
        yield return token.Replace(Id.ToString("N"), "z" + Id.ToString("N")[1..], StringComparison.Ordinal);
        yield return token.Replace(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), "-1", StringComparison.Ordinal);
        yield return token.Replace(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), "+1", StringComparison.Ordinal);
        yield return token.Replace(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), " 1", StringComparison.Ordinal);
        yield return token.Replace(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), (DateTimeOffset.MaxValue.UtcTicks + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        yield return token.Replace(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), "99999999999999999999", StringComparison.Ordinal);
    }

    [TestCaseSource(nameof(InvalidTokens))]
    public void ParseToken_GarbageTruncatedOrAltered_ThrowsArgumentExceptionQuotingIt(string token) =>
        Assert.That(() => HistoryPaging.ParseToken(token), Throws.ArgumentException.With.Property("ParamName").EqualTo("token").And.Message.Contains($"'{token}'"));

    [Test]
    public void ParseToken_Null_ThrowsArgumentNull() =>
        Assert.That(() => HistoryPaging.ParseToken(null!), Throws.ArgumentNullException);

    [Test]
    public void NewestFirst_OrdersByTimeThenIdTextDescending()
    {
        var older = Entry(Guid.Parse("ffffffff-0000-0000-0000-000000000000"), At.AddTicks(-1));
        var lowText = Entry(Guid.Parse("000000ff-0000-0000-0000-000000000000"), At);
        var highText = Entry(Guid.Parse("01000000-0000-0000-0000-000000000000"), At);

        Assert.That(new[] { older, lowText, highText }.Order(HistoryPaging.NewestFirst), Is.EqualTo(new[] { highText, lowText, older }));
    }

    [Test]
    public void IsAfter_EntriesOlderThanThePosition_AreAfter()
    {
        var position = HistoryPaging.ParseToken(HistoryPaging.CreateToken(Entry(Id, At)));

        Assert.Multiple(() =>
        {
            Assert.That(HistoryPaging.IsAfter(Entry(Id, At), position), Is.False, "the position itself");
            Assert.That(HistoryPaging.IsAfter(Entry(Guid.NewGuid(), At.AddTicks(-1)), position), Is.True);
            Assert.That(HistoryPaging.IsAfter(Entry(Guid.NewGuid(), At.AddTicks(1)), position), Is.False);
            Assert.That(HistoryPaging.IsAfter(Entry(Guid.Parse("00000000-0000-0000-0000-000000000001"), At), position), Is.True, "same time, lower id text");
        });
    }
}
