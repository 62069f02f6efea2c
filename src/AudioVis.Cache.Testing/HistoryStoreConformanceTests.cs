using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace AudioVis.Cache.Testing;

/// <summary>
/// The contract every <see cref="IHistoryStore"/> must meet. Derive a fixture from this class, return a new, empty
/// store from <see cref="CreateStoreAsync"/> that uses the retention options and the clock it is given, and every test
/// here runs against your implementation.
/// </summary>
/// <remarks>
/// The suite drives the clock with a <see cref="FakeTimeProvider"/>, so a store must read the time only from the
/// <see cref="TimeProvider"/> it is given. Orders are checked against <see cref="HistoryPaging.NewestFirst"/>, filters
/// against a LINQ oracle, and retention against a model of what must be kept (CsCheck properties).
/// </remarks>
/// <example>
/// <code>
/// [TestFixture]
/// public sealed class SqliteHistoryStoreTests : HistoryStoreConformanceTests
/// {
///     protected override ValueTask&lt;IHistoryStore&gt; CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider) =>
///         new(new SqliteHistoryStore("Data Source=:memory:", retention, timeProvider));
/// }
/// </code>
/// </example>
public abstract class HistoryStoreConformanceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tracks = ["tracks/a.wav", "tracks/b.wav", "曲/トラック.mp3"];
    private static readonly string[] Profiles = ["default", "hires"];
    private static readonly string[] Elements = ["el-1", "el-2", "el-3", "élément-4"];

    private readonly Lock _gate = new();
    private readonly List<IHistoryStore> _stores = [];

    /// <summary>Creates a new, empty store. Called once or more per test; each call must return an independent store.</summary>
    /// <param name="retention">The retention limits the store must apply.</param>
    /// <param name="timeProvider">The clock the store must read "now" from (a <see cref="FakeTimeProvider"/>).</param>
    /// <returns>The store.</returns>
    protected abstract ValueTask<IHistoryStore> CreateStoreAsync(HistoryRetentionOptions retention, TimeProvider timeProvider);

    /// <summary>Disposes every store the test created (when it is disposable).</summary>
    /// <returns>A task that completes when the stores are disposed.</returns>
    [TearDown]
    public async Task DisposeStoresAsync()
    {
        IHistoryStore[] stores;
        lock (_gate)
        {
            stores = [.. _stores];
            _stores.Clear();
        }

        foreach (var store in stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>Every field of an entry reads back equal: sub-millisecond ticks, an offset normalised to UTC, unicode, many descriptors and elements.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_ThenQuery_RoundTripsEveryField()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var timestamp = new DateTimeOffset(2026, 11, 25, 17, 29, 59, 987, TimeSpan.FromHours(5.5)).AddTicks(6543);
        DescriptorId[] descriptors = [.. Enumerable.Range(1, 48).Select(i => DescriptorId.Parse($"spectrum.bands{i}")), DescriptorId.Parse("rms@L"), DescriptorId.Parse("rms@R"), DescriptorId.Parse("mfcc@ch3"), DescriptorId.Parse("zcr@side")];
        string[] elements = [.. Enumerable.Range(0, 120).Select(i => $"element/{i:D3}/波形-🎵"), "a", "B", "a b"];
        var entry = new HistoryEntry(
            Guid.Parse("0193c3a4-5b6c-7d8e-9f00-a1b2c3d4e5f6"),
            timestamp,
            new CacheKey("C:\\Music\\曲 (live) — naïve.wav", "hires"),
            HistoryAction.ManualRegenerate,
            descriptors,
            HistoryStatus.Failure,
            durationMs: long.MaxValue / 3,
            elementIds: elements,
            trigger: RegenerationReason.Missing | RegenerationReason.Stale,
            triggerDetail: "rms@L: profile parameters changed: fftSize: 2048 → 4096\nsecond line\t'quoted' \"double\" ; DROP TABLE history; --",
            jobId: long.MaxValue,
            attempt: int.MaxValue,
            errorType: "System.IO.IOException",
            errorMessage: "Disk full: 'D:\\cache' — 残り 0 バイト 🎵");

        await store.AppendAsync([entry]).ConfigureAwait(false);
        var read = (await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false)).Entries.Single();

        Assert.That(read, Is.EqualTo(entry));
        Assert.Multiple(() =>
        {
            Assert.That(read.Id, Is.EqualTo(entry.Id));
            Assert.That(read.Timestamp.UtcTicks, Is.EqualTo(timestamp.UtcTicks), "sub-millisecond ticks");
            Assert.That(read.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero), "timestamps read back in UTC");
            Assert.That(read.Key, Is.EqualTo(entry.Key));
            Assert.That(read.Action, Is.EqualTo(HistoryAction.ManualRegenerate));
            Assert.That(read.Status, Is.EqualTo(HistoryStatus.Failure));
            Assert.That(read.DescriptorIds, Is.EqualTo(entry.DescriptorIds));
            Assert.That(read.ElementIds, Is.EqualTo(entry.ElementIds));
            Assert.That(read.DurationMs, Is.EqualTo(long.MaxValue / 3));
            Assert.That(read.Trigger, Is.EqualTo(RegenerationReason.Missing | RegenerationReason.Stale));
            Assert.That(read.TriggerDetail, Is.EqualTo(entry.TriggerDetail));
            Assert.That(read.JobId, Is.EqualTo(long.MaxValue));
            Assert.That(read.Attempt, Is.EqualTo(int.MaxValue));
            Assert.That(read.ErrorType, Is.EqualTo("System.IO.IOException"));
            Assert.That(read.ErrorMessage, Is.EqualTo(entry.ErrorMessage));
        });
    }

    /// <summary>Absent and empty optional fields stay distinct: a null job id, no elements, null and empty texts.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_NullAndEmptyOptionals_RoundTripDistinctly()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var key = new CacheKey("t.wav", "default");
        HistoryEntry[] entries =
        [
            new(Id(1), Start, key, HistoryAction.Dismissed, [DescriptorId.Parse("rms")], HistoryStatus.Success, 0),
            new(Id(2), Start.AddTicks(-1), key, HistoryAction.AutoRegenerate, [DescriptorId.Parse("peak")], HistoryStatus.Success, 0, elementIds: [], triggerDetail: ""),
            new(Id(3), Start.AddTicks(-2), key, HistoryAction.AutoRegenerate, [DescriptorId.Parse("zcr")], HistoryStatus.Failure, 0, jobId: 1, errorType: HistoryEntry.CancelledErrorType),
            new(Id(4), Start.AddTicks(-3), key, HistoryAction.AutoRegenerate, [DescriptorId.Parse("zcr")], HistoryStatus.Failure, 0, jobId: 2, errorType: "E", errorMessage: ""),
        ];

        await store.AppendAsync(entries).ConfigureAwait(false);
        var read = (await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false)).Entries;

        Assert.That(read, Is.EqualTo(entries));
        Assert.Multiple(() =>
        {
            Assert.That(read[0].JobId, Is.Null);
            Assert.That(read[0].ElementIds, Is.Empty);
            Assert.That(read[0].TriggerDetail, Is.Null);
            Assert.That(read[0].ErrorType, Is.Null);
            Assert.That(read[0].ErrorMessage, Is.Null);
            Assert.That(read[1].TriggerDetail, Is.Empty);
            Assert.That(read[2].ErrorMessage, Is.Null);
            Assert.That(read[3].ErrorMessage, Is.Empty);
        });
    }

    /// <summary>Texts of the longest kept length, cut texts and every kind of unicode read back exactly.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_LongAndUnicodeTexts_RoundTripExactly()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        const string Unicode = "naïve café — 曲 トラック 🎵🎶 עברית العربية e\u0301 \u200d ";
        var longest = string.Concat(Enumerable.Repeat(Unicode, (HistoryEntry.MaxTextLength / Unicode.Length) + 1))[..HistoryEntry.MaxTextLength];
        if (char.IsHighSurrogate(longest[^1]))
        {
            longest = longest[..^1] + "x";
        }

        var entry = new HistoryEntry(
            Id(1), Start, new CacheKey(new string('p', 1000) + "/曲.wav", "default"), HistoryAction.AutoRegenerate, [DescriptorId.Parse("rms")], HistoryStatus.Failure, 1,
            elementIds: [new string('e', 2000), "🎵"], triggerDetail: longest, jobId: 1, errorType: "E", errorMessage: string.Concat(Enumerable.Repeat("🎵", HistoryEntry.MaxTextLength)));

        await store.AppendAsync([entry]).ConfigureAwait(false);
        var read = (await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false)).Entries.Single();

        Assert.Multiple(() =>
        {
            Assert.That(read.TriggerDetail, Is.EqualTo(longest));
            Assert.That(read.ErrorMessage, Is.EqualTo(entry.ErrorMessage));
            Assert.That(read.ElementIds, Is.EqualTo(entry.ElementIds));
            Assert.That(read.TrackRef, Is.EqualTo(entry.TrackRef));
            Assert.That(read, Is.EqualTo(entry));
        });
    }

    /// <summary>Appending an id that is already stored is ignored (a retried append is harmless); the other entries of the batch are stored.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_ExistingId_IsIgnored()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var original = Entry(Id(1), Start.AddMinutes(-5));
        await store.AppendAsync([original]).ConfigureAwait(false);
        var changed = Entry(Id(1), Start, status: HistoryStatus.Failure, track: "other.wav");
        var other = Entry(Id(2), Start.AddMinutes(-1));

        await store.AppendAsync([changed, other]).ConfigureAwait(false);
        await store.AppendAsync([original]).ConfigureAwait(false);

        Assert.That((await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false)).Entries, Is.EqualTo(new[] { other, original }));
    }

    /// <summary>An empty batch changes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_EmptyBatch_ChangesNothing()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);

        await store.AppendAsync([]).ConfigureAwait(false);
        var page = await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false);

        Assert.Multiple(() =>
        {
            Assert.That(page.Entries, Is.Empty);
            Assert.That(page.ContinuationToken, Is.Null);
        });
    }

    /// <summary>A batch with two entries of one id is rejected, naming the id, and stores none of its entries.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_BatchWithDuplicateId_ThrowsAndStoresNothing()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        HistoryEntry[] batch = [Entry(Id(1), Start), Entry(Id(2), Start.AddSeconds(-1)), Entry(Id(3), Start.AddSeconds(-2)), Entry(Id(2), Start.AddSeconds(-3))];

        Assert.That(async () => await store.AppendAsync(batch).ConfigureAwait(false), Throws.ArgumentException.With.Message.Contains(Id(2).ToString()));
        Assert.That(await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>A batch with a null entry is rejected and stores none of its entries.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_BatchWithNullEntry_ThrowsAndStoresNothing()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        HistoryEntry[] batch = [Entry(Id(1), Start), Entry(Id(2), Start.AddSeconds(-1)), null!];

        Assert.That(async () => await store.AppendAsync(batch).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>An append whose token is already cancelled throws <see cref="OperationCanceledException"/> and stores nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_CancelledToken_ThrowsAndStoresNothing()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);
        HistoryEntry[] batch = [.. Enumerable.Range(1, 6).Select(i => Entry(Id(i), Start.AddSeconds(-i)))];

        Assert.That(async () => await store.AppendAsync(batch, cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await store.AppendAsync([batch[0]], cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>A query whose token is cancelled throws <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_CancelledToken_Throws()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        await store.AppendAsync([Entry(Id(1), Start)]).ConfigureAwait(false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(async () => await store.QueryAsync(HistoryQuery.All, cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>A cancelled truncation throws <see cref="OperationCanceledException"/> and deletes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ApplyRetention_CancelledToken_ThrowsAndDeletesNothing()
    {
        var (store, time) = await NewStoreAsync(maxAge: TimeSpan.FromDays(1)).ConfigureAwait(false);
        await store.AppendAsync([Entry(Id(1), Start.AddHours(-2)), Entry(Id(2), Start.AddHours(-1)), Entry(Id(3), Start)]).ConfigureAwait(false);
        time.Advance(TimeSpan.FromDays(2));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        Assert.That(async () => await store.ApplyRetentionAsync(cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.EqualTo(3), "the cancelled truncation must have deleted nothing");
    }

    /// <summary>Entries appended in any order read back newest first, in the order of <see cref="HistoryPaging.NewestFirst"/>, equal timestamps included.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_EntriesAppendedInAnyOrder_ReturnsNewestFirst()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var entries = Dataset(90, seed: 7);
        foreach (var batch in entries.Chunk(7))
        {
            await store.AppendAsync(batch).ConfigureAwait(false);
        }

        var read = await ReadAllAsync(store, new HistoryQuery { PageSize = HistoryQuery.MaxPageSize }).ConfigureAwait(false);

        Assert.That(read, Is.EqualTo(entries.Order(HistoryPaging.NewestFirst).ToArray()));
    }

    /// <summary>Entries with the same timestamp are ordered by the id's canonical text, descending (not by the id's bytes or <see cref="Guid.CompareTo(Guid)"/>).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_EqualTimestamps_BreaksTiesByIdTextDescending()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        string[] ids =
        [
            "000000ff-0000-0000-0000-000000000000", "01000000-0000-0000-0000-000000000000", "0000000a-0000-0000-0000-000000000000",
            "00000009-0000-0000-0000-000000000000", "80000000-0000-0000-0000-000000000000", "7fffffff-ffff-ffff-ffff-ffffffffffff",
            "00000000-0000-0000-0000-0000000000ff", "00000000-0000-0000-ff00-000000000000", "00000000-0000-0000-00ff-000000000000",
            "ffffffff-0000-0000-0000-000000000000",
        ];
        var at = Start.AddTicks(-12_345);
        var entries = ids.Select(id => Entry(Guid.Parse(id), at)).ToArray();
        await store.AppendAsync(entries[..5]).ConfigureAwait(false);
        await store.AppendAsync(entries[5..]).ConfigureAwait(false);

        var read = await ReadAllAsync(store, new HistoryQuery { PageSize = 3 }).ConfigureAwait(false);

        Assert.Multiple(() =>
        {
            Assert.That(read.Select(e => e.Id.ToString("D")), Is.EqualTo(ids.OrderDescending(StringComparer.Ordinal).ToArray()));
            Assert.That(read, Is.EqualTo(entries.Order(HistoryPaging.NewestFirst).ToArray()));
        });
    }

    /// <summary>Each filter alone and in combination returns exactly what a LINQ oracle over the same entries returns, newest first.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_EachFilterAndCombinations_MatchLinqOracle()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var entries = Dataset(80, seed: 11);
        await store.AppendAsync(entries).ConfigureAwait(false);
        var middle = entries.Order(HistoryPaging.NewestFirst).ElementAt(40).Timestamp;
        HistoryQuery[] queries =
        [
            new() { ElementId = Elements[1] },
            new() { ElementId = Elements[3] },
            new() { ElementId = "nobody" },
            new() { TrackRef = Tracks[2] },
            new() { AnalysisProfileId = Profiles[1] },
            new() { Action = HistoryAction.Dismissed },
            new() { Action = HistoryAction.ManualRegenerate },
            new() { Status = HistoryStatus.Failure },
            new() { From = middle },
            new() { Until = middle },
            new() { From = middle.AddMinutes(-30), Until = middle.AddMinutes(30) },
            new() { From = middle.ToOffset(TimeSpan.FromHours(-7)), Until = middle.AddHours(1).ToOffset(TimeSpan.FromHours(9)) },
            new() { TrackRef = Tracks[0], AnalysisProfileId = Profiles[0], Status = HistoryStatus.Success },
            new() { ElementId = Elements[0], Action = HistoryAction.AutoRegenerate, Until = middle },
            new() { ElementId = Elements[2], TrackRef = Tracks[1], AnalysisProfileId = Profiles[1], Action = HistoryAction.AutoRegenerate, Status = HistoryStatus.Success, From = Start.AddDays(-2), Until = Start.AddDays(1), PageSize = 2 },
        ];

        foreach (var query in queries)
        {
            var read = await ReadAllAsync(store, query).ConfigureAwait(false);
            Assert.That(read, Is.EqualTo(Oracle(entries, query)), Describe(query));
        }
    }

    /// <summary><see cref="HistoryQuery.From"/> is inclusive and <see cref="HistoryQuery.Until"/> exclusive, to the tick, whatever their offsets.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_TimeRange_FromInclusiveUntilExclusive()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var from = Start.AddHours(-3).AddTicks(5);
        var until = Start.AddHours(-1).AddTicks(5);
        HistoryEntry[] entries =
        [
            Entry(Id(1), from.AddTicks(-1)), Entry(Id(2), from), Entry(Id(3), from.AddTicks(1)),
            Entry(Id(4), until.AddTicks(-1)), Entry(Id(5), until), Entry(Id(6), until.AddTicks(1)),
        ];
        await store.AppendAsync(entries).ConfigureAwait(false);

        var read = await ReadAllAsync(store, new HistoryQuery { From = from.ToOffset(TimeSpan.FromHours(2)), Until = until.ToOffset(TimeSpan.FromHours(-5)) }).ConfigureAwait(false);

        Assert.That(read.Select(e => e.Id), Is.EqualTo(new[] { Id(4), Id(3), Id(2) }));
    }

    /// <summary>Random combinations of filters and page sizes, read page by page, match a LINQ oracle (CsCheck property).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_RandomFilterCombinations_MatchLinqOracle()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var entries = Dataset(100, seed: 23);
        await store.AppendAsync(entries).ConfigureAwait(false);
        var genQuery = Gen.Select(
            Gen.Int[-1, Elements.Length],
            Gen.Int[-1, Tracks.Length - 1],
            Gen.Int[-1, Profiles.Length - 1],
            Gen.Int[-1, 2],
            Gen.Int[-1, 1],
            Gen.Int[-1, 24 * 60],
            Gen.Int[-1, 24 * 60],
            Gen.Int[3, 60])
            .Select(static (e, t, p, a, s, from, until, size) => new HistoryQuery
            {
                ElementId = e < 0 ? null : e == Elements.Length ? "nobody" : Elements[e],
                TrackRef = t < 0 ? null : Tracks[t],
                AnalysisProfileId = p < 0 ? null : Profiles[p],
                Action = a < 0 ? null : (HistoryAction)a,
                Status = s < 0 ? null : (HistoryStatus)s,
                From = from < 0 ? null : Start.AddMinutes(-from),
                Until = until < 0 || (from >= 0 && -until <= -from) ? null : Start.AddMinutes(-until),
                PageSize = size,
            });

        await genQuery.SampleAsync(
            async query => (await ReadAllAsync(store, query).ConfigureAwait(false)).SequenceEqual(Oracle(entries, query)),
            iter: 60,
            threads: 1,
            print: Describe).ConfigureAwait(false);
    }

    /// <summary>Pages of every size concatenate to the full result, with no duplicate and no gap, and the last page has no token.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_Pages_ConcatenateToFullResultWithoutDuplicatesOrGaps()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var entries = Dataset(57, seed: 3);
        await store.AppendAsync(entries).ConfigureAwait(false);
        var expected = entries.Order(HistoryPaging.NewestFirst).ToArray();

        foreach (var size in new[] { 1, 2, 7, 56, 57, 58, HistoryQuery.MaxPageSize })
        {
            var read = await ReadAllAsync(store, new HistoryQuery { PageSize = size }).ConfigureAwait(false);
            Assert.That(read, Is.EqualTo(expected), $"page size {size}");
        }

        var first = await store.QueryAsync(new HistoryQuery { PageSize = 57 }).ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(first.Entries, Has.Count.EqualTo(57));
            Assert.That(first.ContinuationToken, Is.Null, "no token when no entry is left");
        });
    }

    /// <summary>Entries appended between pages, newer than the first page, never make a later page repeat or skip an older entry.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_AppendsBetweenPages_NeverRepeatOrSkipOlderEntries()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var entries = Dataset(40, seed: 5);
        await store.AppendAsync(entries).ConfigureAwait(false);
        var expected = entries.Order(HistoryPaging.NewestFirst).ToList();
        var query = new HistoryQuery { PageSize = 6 };

        var read = new List<HistoryEntry>();
        string? token = null;
        var added = 0;
        do
        {
            var page = await store.QueryAsync(Continue(query, token)).ConfigureAwait(false);
            read.AddRange(page.Entries);
            token = page.ContinuationToken;
            added++;
            await store.AppendAsync([Entry(Guid.NewGuid(), Start.AddMinutes(added)), Entry(Guid.NewGuid(), Start.AddMinutes(added))]).ConfigureAwait(false);
        }
        while (token is not null && added < 100);

        Assert.Multiple(async () =>
        {
            Assert.That(read, Is.EqualTo(expected));
            Assert.That(await ReadAllAsync(store, new HistoryQuery { PageSize = 9 }).ConfigureAwait(false), Has.Count.EqualTo(40 + (2 * added)));
        });
    }

    /// <summary>A page already returned is a snapshot: later appends do not change it.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_ReturnsSnapshotUnaffectedByLaterAppends()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        var first = Entry(Id(1), Start.AddMinutes(-1));
        await store.AppendAsync([first]).ConfigureAwait(false);
        var page = await store.QueryAsync(HistoryQuery.All).ConfigureAwait(false);

        await store.AppendAsync([Entry(Id(2), Start), Entry(Id(3), Start.AddMinutes(-2))]).ConfigureAwait(false);

        Assert.That(page.Entries, Is.EqualTo(new[] { first }));
    }

    /// <summary>An empty store returns an empty last page.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_EmptyStore_ReturnsEmptyPageWithoutToken()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);

        var page = await store.QueryAsync(new HistoryQuery { TrackRef = "t.wav", PageSize = 1 }).ConfigureAwait(false);

        Assert.Multiple(() =>
        {
            Assert.That(page.Entries, Is.Empty);
            Assert.That(page.ContinuationToken, Is.Null);
        });
    }

    /// <summary>Garbage, truncated and altered continuation tokens are rejected with an <see cref="ArgumentException"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_InvalidContinuationToken_ThrowsArgumentException()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        await store.AppendAsync([Entry(Id(1), Start), Entry(Id(2), Start.AddMinutes(-1)), Entry(Id(3), Start.AddMinutes(-2))]).ConfigureAwait(false);
        var token = (await store.QueryAsync(new HistoryQuery { PageSize = 1 }).ConfigureAwait(false)).ContinuationToken;
        Assert.That(token, Is.Not.Null, "a page that is not the last has a token");
        string[] invalid =
        [
            string.Empty, "garbage", "h1.", "h1..", token![..^1], token[..(token.Length / 2)], token + "0", token.ToUpperInvariant(), "x" + token,
            token.Replace("h1.", "h2.", StringComparison.Ordinal), token + ".1", "h1.-5." + Id(1).ToString("N"), "h1.99999999999999999999." + Id(1).ToString("N"),
            "h1.1." + Id(1).ToString("D"),
        ];

        Assert.Multiple(() =>
        {
            foreach (var bad in invalid)
            {
                Assert.That(async () => await store.QueryAsync(new HistoryQuery { ContinuationToken = bad }).ConfigureAwait(false), Throws.InstanceOf<ArgumentException>(), bad);
            }
        });
    }

    /// <summary>Invalid queries (page size, inverted or empty time range, empty filters, undefined enums) are rejected with an <see cref="ArgumentException"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_InvalidQuery_ThrowsArgumentException()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);
        HistoryQuery[] invalid =
        [
            new() { PageSize = 0 }, new() { PageSize = -1 }, new() { PageSize = HistoryQuery.MaxPageSize + 1 },
            new() { From = Start, Until = Start }, new() { From = Start, Until = Start.AddTicks(-1) },
            new() { ElementId = string.Empty }, new() { TrackRef = string.Empty }, new() { AnalysisProfileId = string.Empty },
            new() { Action = (HistoryAction)9 }, new() { Status = (HistoryStatus)9 },
        ];

        Assert.Multiple(() =>
        {
            foreach (var query in invalid)
            {
                Assert.That(async () => await store.QueryAsync(query).ConfigureAwait(false), Throws.InstanceOf<ArgumentException>(), Describe(query));
            }
        });
    }

    /// <summary>Null arguments are rejected with <see cref="ArgumentNullException"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Calls_NullArguments_ThrowArgumentNullException()
    {
        var (store, _) = await NewStoreAsync().ConfigureAwait(false);

        Assert.Multiple(() =>
        {
            Assert.That(async () => await store.AppendAsync(null!).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(async () => await store.AppendAsync([null!]).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(async () => await store.QueryAsync(null!).ConfigureAwait(false), Throws.InstanceOf<ArgumentNullException>());
        });
    }

    /// <summary>Beyond <see cref="HistoryRetentionOptions.MaxEntries"/>, appends delete the oldest entries first and keep exactly the newest MaxEntries.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_BeyondMaxEntries_KeepsExactlyTheNewestMaxEntries()
    {
        var (store, _) = await NewStoreAsync(maxEntries: 5).ConfigureAwait(false);
        var entries = Dataset(13, seed: 17);
        var appended = new List<HistoryEntry>();
        foreach (var batch in entries.Chunk(3))
        {
            await store.AppendAsync(batch).ConfigureAwait(false);
            appended.AddRange(batch);
            var read = await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false);
            Assert.That(read, Is.EqualTo(appended.Order(HistoryPaging.NewestFirst).Take(5).ToArray()), $"after {appended.Count} entries");
        }

        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.Zero, "nothing is left outside the limits");
    }

    /// <summary>As time passes, <see cref="IHistoryStore.ApplyRetentionAsync"/> deletes the entries older than MaxAge (an entry exactly MaxAge old is kept) and returns how many it deleted.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ApplyRetention_AfterTimePasses_DeletesEntriesOlderThanMaxAgeAndReturnsCount()
    {
        var maxAge = TimeSpan.FromDays(1);
        var (store, time) = await NewStoreAsync(maxAge: maxAge).ConfigureAwait(false);
        HistoryEntry[] entries = [Entry(Id(1), Start.AddHours(-20)), Entry(Id(2), Start.AddHours(-10)), Entry(Id(3), Start.AddHours(-1).AddTicks(1)), Entry(Id(4), Start.AddHours(-1)), Entry(Id(5), Start)];
        await store.AppendAsync(entries).ConfigureAwait(false);

        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.Zero);
        time.Advance(TimeSpan.FromHours(5));
        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.EqualTo(1), "the entry 25 hours old");
        time.Advance(TimeSpan.FromHours(18));
        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.EqualTo(1), "the entry 28 hours old; the one exactly MaxAge old stays");
        Assert.That((await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false)).Select(e => e.Id), Is.EqualTo(new[] { Id(5), Id(3), Id(4) }));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.EqualTo(1), "one tick later, the entry at -1 h is older than MaxAge");
        Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.Zero);
        Assert.That((await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false)).Select(e => e.Id), Is.EqualTo(new[] { Id(5), Id(3) }));
    }

    /// <summary>An append applies the age limit too: entries that grew older than MaxAge are deleted when a new entry arrives.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_AfterTimePasses_AlsoDeletesEntriesOlderThanMaxAge()
    {
        var (store, time) = await NewStoreAsync(maxAge: TimeSpan.FromHours(2)).ConfigureAwait(false);
        await store.AppendAsync([Entry(Id(1), Start.AddMinutes(-90)), Entry(Id(2), Start.AddMinutes(-30))]).ConfigureAwait(false);
        time.Advance(TimeSpan.FromHours(1));

        var fresh = Entry(Id(3), time.GetUtcNow());
        await store.AppendAsync([fresh]).ConfigureAwait(false);

        Assert.That((await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false)).Select(e => e.Id), Is.EqualTo(new[] { Id(3), Id(2) }));
    }

    /// <summary>An appended entry already older than MaxAge is not kept (the rest of its batch is).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_EntryAlreadyOlderThanMaxAge_IsNotKept()
    {
        var (store, _) = await NewStoreAsync(maxAge: TimeSpan.FromDays(30)).ConfigureAwait(false);

        await store.AppendAsync([Entry(Id(1), Start.AddDays(-31)), Entry(Id(2), Start.AddDays(-29))]).ConfigureAwait(false);

        Assert.Multiple(async () =>
        {
            Assert.That((await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false)).Select(e => e.Id), Is.EqualTo(new[] { Id(2) }));
            Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.Zero);
        });
    }

    /// <summary>
    /// Over random sequences of appends (random timestamps, ties included) and clock advances, the store keeps exactly
    /// the entries inside both limits: never deletes one of them, never keeps one outside after an append or a
    /// truncation, and reports the count deleted (CsCheck property against a model).
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Retention_RandomAppendSequences_KeepExactlyTheEntriesInsideTheLimits()
    {
        var genStep = Gen.Select(Gen.Int[0, 240], Gen.Select(Gen.Int[-36 * 60, 30], Gen.Guid).Array[0, 5]);
        var genCase = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 24], genStep.Array[1, 10]);

        await genCase.SampleAsync(
            async (maxEntries, maxAgeHours, steps) =>
            {
                var maxAge = TimeSpan.FromHours(maxAgeHours);
                var (store, time) = await NewStoreAsync(maxEntries, maxAge).ConfigureAwait(false);
                var model = new List<HistoryEntry>();
                foreach (var (advanceMinutes, batch) in steps)
                {
                    time.Advance(TimeSpan.FromMinutes(advanceMinutes));
                    var now = time.GetUtcNow();
                    List<HistoryEntry> Inside(IEnumerable<HistoryEntry> present) =>
                        [.. present.Where(e => e.Timestamp >= now - maxAge).Order(HistoryPaging.NewestFirst).Take(maxEntries)];

                    if (batch.Length == 0)
                    {
                        var deleted = await store.ApplyRetentionAsync().ConfigureAwait(false);
                        var kept = Inside(model);
                        if (deleted != model.Count - kept.Count)
                        {
                            return false;
                        }

                        model = kept;
                    }
                    else
                    {
                        var entries = batch.DistinctBy(b => b.Item2).Select(b => Entry(b.Item2, now.AddMinutes(b.Item1))).ToArray();
                        await store.AppendAsync(entries).ConfigureAwait(false);
                        model = Inside(model.Concat(entries.Where(e => model.TrueForAll(m => m.Id != e.Id))));
                    }

                    var stored = await ReadAllAsync(store, new HistoryQuery { PageSize = HistoryQuery.MaxPageSize }).ConfigureAwait(false);
                    if (!stored.SequenceEqual(model))
                    {
                        return false;
                    }
                }

                return true;
            },
            iter: 60,
            threads: 1).ConfigureAwait(false);
    }

    /// <summary>
    /// Eight tasks appending 200 entries each (random timestamps, batches of 1 to 4) into a store that keeps 1000: exactly
    /// the newest 1000 of all 1600 remain, in the order of <see cref="HistoryPaging.NewestFirst"/>.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Append_ConcurrentAppends_KeepExactlyTheNewestMaxEntries()
    {
        const int Writers = 8;
        const int PerWriter = 200;
        var (store, _) = await NewStoreAsync(maxEntries: 1000).ConfigureAwait(false);
        var batches = Enumerable.Range(0, Writers).Select(w => Dataset(PerWriter, seed: 100 + w).Chunk(1 + (w % 4)).ToArray()).ToArray();

        await Task.WhenAll(batches.Select(writer => Task.Run(async () =>
        {
            foreach (var batch in writer)
            {
                await store.AppendAsync(batch).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);

        var expected = batches.SelectMany(b => b).SelectMany(b => b).Order(HistoryPaging.NewestFirst).Take(1000).ToArray();
        var read = await ReadAllAsync(store, new HistoryQuery { PageSize = HistoryQuery.MaxPageSize }).ConfigureAwait(false);
        Assert.Multiple(async () =>
        {
            Assert.That(read, Has.Count.EqualTo(1000));
            Assert.That(read, Is.EqualTo(expected));
            Assert.That(await store.ApplyRetentionAsync().ConfigureAwait(false), Is.Zero);
        });
    }

    /// <summary>Queries that page while other tasks append (and retention deletes) never throw and always see each read newest first without repeats.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Query_ConcurrentWithAppends_NeverThrowsAndStaysOrdered()
    {
        var (store, _) = await NewStoreAsync(maxEntries: 150).ConfigureAwait(false);
        using var done = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            foreach (var batch in Dataset(100, seed: 200 + w).Chunk(3))
            {
                await store.AppendAsync(batch).ConfigureAwait(false);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var reads = 0;
            var problems = new List<string>();
            while (!done.IsCancellationRequested || reads == 0)
            {
                var read = await ReadAllAsync(store, new HistoryQuery { PageSize = 7 + r, Status = r == 0 ? HistoryStatus.Success : null }, concurrentDeletes: true).ConfigureAwait(false);
                for (var i = 1; i < read.Count; i++)
                {
                    if (HistoryPaging.NewestFirst.Compare(read[i - 1], read[i]) >= 0)
                    {
                        problems.Add($"read {reads}: {read[i - 1].Id} before {read[i].Id}");
                    }
                }

                reads++;
            }

            return problems;
        })).ToArray();

        await Task.WhenAll(writers).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        var problems = (await Task.WhenAll(readers).ConfigureAwait(false)).SelectMany(p => p).ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(await ReadAllAsync(store, HistoryQuery.All).ConfigureAwait(false), Has.Count.EqualTo(150));
        });
    }

    /// <summary>Two stores created by the fixture are independent.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateStore_ReturnsIndependentStores()
    {
        var (first, _) = await NewStoreAsync().ConfigureAwait(false);
        var (second, _) = await NewStoreAsync().ConfigureAwait(false);

        await first.AppendAsync([Entry(Id(1), Start)]).ConfigureAwait(false);

        Assert.That((await second.QueryAsync(HistoryQuery.All).ConfigureAwait(false)).Entries, Is.Empty);
    }

    private static Guid Id(int n) => new(n, 0x1234, 0x7abc, 0x80, 0, 0, 0, 0, 0, 0, 1);

    private static HistoryEntry Entry(
        Guid id,
        DateTimeOffset timestamp,
        string track = "tracks/a.wav",
        string profile = "default",
        HistoryAction action = HistoryAction.AutoRegenerate,
        HistoryStatus status = HistoryStatus.Success,
        string[]? elements = null) =>
        new(
            id,
            timestamp,
            new CacheKey(track, profile),
            action,
            [DescriptorId.Parse(action == HistoryAction.Dismissed ? "mfcc" : "rms@L"), DescriptorId.Parse("spectrum.bands32")],
            status,
            durationMs: 12,
            elementIds: elements ?? ["el-1"],
            trigger: action == HistoryAction.AutoRegenerate ? RegenerationReason.Stale : RegenerationReason.Manual,
            triggerDetail: action == HistoryAction.AutoRegenerate ? "rms@L: source changed" : null,
            jobId: action == HistoryAction.Dismissed ? null : 7,
            attempt: action == HistoryAction.Dismissed ? 0 : 1,
            errorType: status == HistoryStatus.Failure ? "IOException" : null,
            errorMessage: status == HistoryStatus.Failure ? "disk full" : null);

    // Entries over a day before Start, in shuffled order, with many equal timestamps (whole minutes, some sub-millisecond ticks).
    private static HistoryEntry[] Dataset(int count, int seed)
    {
#pragma warning disable CA5394 // Random is fine for test data.
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var timestamp = Start.AddMinutes(-random.Next(0, 24 * 60 / 8) * 8).AddTicks(random.Next(4) == 0 ? random.Next(1, 10_000) : 0);
            var elements = Elements.Where(_ => random.Next(3) == 0).ToArray();
            return Entry(
                new Guid(bytes),
                timestamp,
                Tracks[random.Next(Tracks.Length)],
                Profiles[random.Next(Profiles.Length)],
                (HistoryAction)random.Next(3),
                (HistoryStatus)random.Next(2),
                elements);
        })];
#pragma warning restore CA5394
    }

    private static List<HistoryEntry> Oracle(IEnumerable<HistoryEntry> entries, HistoryQuery query) =>
        [.. entries
            .Where(e => query.ElementId is null || e.ElementIds.Contains(query.ElementId, StringComparer.Ordinal))
            .Where(e => query.TrackRef is null || string.Equals(e.Key.TrackRef, query.TrackRef, StringComparison.Ordinal))
            .Where(e => query.AnalysisProfileId is null || string.Equals(e.Key.AnalysisProfileId, query.AnalysisProfileId, StringComparison.Ordinal))
            .Where(e => query.Action is null || e.Action == query.Action)
            .Where(e => query.Status is null || e.Status == query.Status)
            .Where(e => query.From is null || e.Timestamp.UtcTicks >= query.From.Value.UtcTicks)
            .Where(e => query.Until is null || e.Timestamp.UtcTicks < query.Until.Value.UtcTicks)
            .Order(HistoryPaging.NewestFirst)];

    private static HistoryQuery Continue(HistoryQuery query, string? token) => new()
    {
        ElementId = query.ElementId,
        TrackRef = query.TrackRef,
        AnalysisProfileId = query.AnalysisProfileId,
        Action = query.Action,
        Status = query.Status,
        From = query.From,
        Until = query.Until,
        PageSize = query.PageSize,
        ContinuationToken = token,
    };

    private static string Describe(HistoryQuery query) => string.Create(
        CultureInfo.InvariantCulture,
        $"element={query.ElementId} track={query.TrackRef} profile={query.AnalysisProfileId} action={query.Action} status={query.Status} from={query.From:O} until={query.Until:O} pageSize={query.PageSize} token={query.ContinuationToken}");

    // Reads every page; each page holds at most PageSize entries, and a token never leads to an empty page (unless
    // retention may delete concurrently, which can empty the rest of the result between pages).
    private static async Task<List<HistoryEntry>> ReadAllAsync(IHistoryStore store, HistoryQuery query, bool concurrentDeletes = false)
    {
        var all = new List<HistoryEntry>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.QueryAsync(Continue(query, token)).ConfigureAwait(false);
            if (page.Entries.Count > query.PageSize || (pages > 0 && page.Entries.Count == 0 && !concurrentDeletes))
            {
                throw new AssertionException($"Page {pages} of '{Describe(query)}' holds {page.Entries.Count} entries (at most {query.PageSize}, and never 0 after a continuation token).");
            }

            all.AddRange(page.Entries);
            token = page.ContinuationToken;
            if (++pages > 10_000)
            {
                throw new AssertionException($"Paging '{Describe(query)}' did not end after {pages} pages.");
            }
        }
        while (token is not null);

        return all;
    }

    private async ValueTask<(IHistoryStore Store, FakeTimeProvider Time)> NewStoreAsync(int maxEntries = HistoryRetentionOptions.DefaultMaxEntries, TimeSpan? maxAge = null)
    {
        var time = new FakeTimeProvider(Start);
        var store = await CreateStoreAsync(new HistoryRetentionOptions { MaxEntries = maxEntries, MaxAge = maxAge ?? HistoryRetentionOptions.DefaultMaxAge }, time).ConfigureAwait(false);
        Assert.That(store, Is.Not.Null, "CreateStoreAsync returned null.");
        lock (_gate)
        {
            _stores.Add(store);
        }

        return (store, time);
    }
}
