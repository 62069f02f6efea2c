using AudioVis.Cache.History;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>The SQLite history store against the in-memory reference semantics, plus what only a file can show.</summary>
public sealed class SqliteHistoryStoreTests
{
    private TempFolder _folder = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        _time = new FakeTimeProvider(SqliteTestSupport.At);
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task Append_ThenQuery_RoundTripsEveryField()
    {
        await using var store = Store();
        HistoryEntry[] entries =
        [
            SqliteTestSupport.Entry(_time.GetUtcNow(), elements: ["z", "bars", "曲"]),
            SqliteTestSupport.Entry(_time.GetUtcNow().AddSeconds(1), status: HistoryStatus.Failure, action: HistoryAction.Dismissed, elements: []),
        ];

        await store.AppendAsync(entries);
        var page = await store.QueryAsync(HistoryQuery.All);

        Assert.That(page.Entries, Is.EqualTo(entries.Reverse().ToArray()));
        Assert.That(page.ContinuationToken, Is.Null);
    }

    [Test]
    public async Task Append_SameIdTwice_StoresOnce()
    {
        await using var store = Store();
        var entry = SqliteTestSupport.Entry(_time.GetUtcNow());

        await store.AppendAsync([entry]);
        await store.AppendAsync([entry, SqliteTestSupport.Entry(_time.GetUtcNow())]);

        Assert.That((await store.QueryAsync(HistoryQuery.All)).Entries, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Query_PagesNewestFirst_InHistoryPagingOrder_StableUnderAppends()
    {
        await using var store = Store();
        var at = _time.GetUtcNow();

        // Ties on the timestamp are ordered by the id's text, descending.
        var entries = Enumerable.Range(0, 25).Select(i => SqliteTestSupport.Entry(at.AddTicks(i / 3), id: Guid.NewGuid())).ToArray();
        await store.AppendAsync(entries);
        var expected = entries.Order(HistoryPaging.NewestFirst).ToArray();

        var read = new List<HistoryEntry>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new HistoryQuery { PageSize = 4, ContinuationToken = token });
            read.AddRange(page.Entries);
            token = page.ContinuationToken;
            await store.AppendAsync([SqliteTestSupport.Entry(at.AddDays(1).AddTicks(read.Count))]); // newer: never on a later page
        }
        while (token is not null);

        Assert.That(read, Is.EqualTo(expected));
    }

    [Test]
    public async Task Query_Filters_MatchHistoryQueryMatches()
    {
        await using var store = Store();
        var at = _time.GetUtcNow();
        var entries = Enumerable.Range(0, 40).Select(i => SqliteTestSupport.Entry(
            at.AddMinutes(-i),
            track: $"t{i % 3}.wav",
            action: (HistoryAction)(i % 3),
            status: (HistoryStatus)(i % 2),
            elements: [$"e{i % 4}", $"e{i % 5}"],
            profile: i % 2 == 0 ? "default" : "hires")).ToArray();
        await store.AppendAsync(entries);
        HistoryQuery[] queries =
        [
            new() { ElementId = "e1" },
            new() { TrackRef = "t2.wav", Status = HistoryStatus.Failure },
            new() { AnalysisProfileId = "hires", Action = HistoryAction.Dismissed },
            new() { From = at.AddMinutes(-20), Until = at.AddMinutes(-5), ElementId = "e3" },
            new() { ElementId = "nobody" },
        ];

        foreach (var query in queries)
        {
            var expected = entries.Where(query.Matches).Order(HistoryPaging.NewestFirst).Take(query.PageSize).ToArray();
            Assert.That((await store.QueryAsync(query)).Entries, Is.EqualTo(expected), $"element {query.ElementId}, track {query.TrackRef}, action {query.Action}");
        }
    }

    [Test]
    public async Task Append_AppliesRetentionByCountAndAge_InTheSameTransaction()
    {
        await using var store = Store(new HistoryRetentionOptions { MaxEntries = 5, MaxAge = TimeSpan.FromHours(1) });
        var at = _time.GetUtcNow();
        var old = SqliteTestSupport.Entry(at.AddHours(-2));
        var recent = Enumerable.Range(0, 8).Select(i => SqliteTestSupport.Entry(at.AddMinutes(-i))).ToArray();

        await store.AppendAsync([old, .. recent]);
        var kept = (await store.QueryAsync(HistoryQuery.All)).Entries;
        _time.Advance(TimeSpan.FromMinutes(58));
        var deleted = await store.ApplyRetentionAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(kept, Is.EqualTo(recent.Take(5).ToArray()));
            Assert.That(deleted, Is.EqualTo(2), "entries 3 and 4 minutes older than the first are past the hour; the one exactly at the limit stays");
            Assert.That((await store.QueryAsync(HistoryQuery.All)).Entries, Is.EqualTo(recent.Take(3).ToArray()));
        });
    }

    [Test]
    public async Task Append_WithRetention_FileDoesNotGrowWithTheNumberOfAppends()
    {
        var path = _folder.File("bounded.db");
        await using var store = new SqliteHistoryStore(SqliteTestSupport.Open(path, _time), new HistoryRetentionOptions { MaxEntries = 200 }, _time, ownsDatabase: true);
        var detail = new string('d', 2000);

        async Task AppendAsync(int count)
        {
            for (var i = 0; i < count; i += 20)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await store.AppendAsync([.. Enumerable.Range(0, 20).Select(_ => Entry(detail))]);
            }
        }

        await AppendAsync(1000);
        var afterWarmUp = new FileInfo(path).Length;
        await AppendAsync(5000);
        var afterMany = new FileInfo(path).Length;

        TestContext.Out.WriteLine($"file after 1000 appends: {afterWarmUp} bytes, after 6000: {afterMany} bytes");
        Assert.That(afterMany, Is.LessThanOrEqualTo(afterWarmUp * 1.1));
        Assert.That((await store.QueryAsync(new HistoryQuery { PageSize = 1000 })).Entries, Has.Count.EqualTo(200));

        HistoryEntry Entry(string text) => new(
            HistoryEntry.NewId(_time), _time.GetUtcNow(), new Storage.CacheKey("t.wav", "default"), HistoryAction.AutoRegenerate,
            [Descriptors.DescriptorId.Parse("rms")], HistoryStatus.Success, 1, ["a", "b"], triggerDetail: text);
    }

    [Test]
    public async Task Append_CancelledToken_StoresNothing()
    {
        await using var store = Store();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await store.AppendAsync([SqliteTestSupport.Entry(_time.GetUtcNow())], cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await store.QueryAsync(HistoryQuery.All)).Entries, Is.Empty);
    }

    [Test]
    public async Task Append_ThenReopen_EntriesPersist()
    {
        var path = _folder.File("persist.db");
        var entry = SqliteTestSupport.Entry(_time.GetUtcNow(), elements: ["bars", "pulse"]);
        await using (var store = new SqliteHistoryStore(SqliteTestSupport.Open(path, _time), new HistoryRetentionOptions(), _time, ownsDatabase: true))
        {
            await store.AppendAsync([entry]);
        }

        await using var reopened = new SqliteHistoryStore(SqliteTestSupport.Open(path, _time), new HistoryRetentionOptions(), _time, ownsDatabase: true);
        Assert.That((await reopened.QueryAsync(new HistoryQuery { ElementId = "pulse" })).Entries, Is.EqualTo(new[] { entry }));
    }

    [Test]
    public async Task Query_ByElement_UsesTheElementIndex()
    {
        var path = _folder.File("plan.db");
        using (SqliteTestSupport.Open(path))
        {
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT entry_seq FROM history_elements WHERE element_id = 'bars';";
        using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.That(string.Join("\n", plan), Does.Contain("history_elements_by_element"));
    }

    private SqliteHistoryStore Store(HistoryRetentionOptions? retention = null) =>
        new(SqliteTestSupport.Open(_folder.File($"{Guid.NewGuid():N}.db"), _time), retention ?? new HistoryRetentionOptions(), _time, ownsDatabase: true);
}
