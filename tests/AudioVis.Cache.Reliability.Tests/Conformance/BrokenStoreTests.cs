namespace AudioVis.Cache.Reliability.Tests.Conformance;

/// <summary>
/// Proof that the conformance suites catch broken stores: each deliberately broken store fails at least the listed
/// conformance tests, and the healthy store passes every one of them.
/// </summary>
public sealed class BrokenStoreTests
{
    private static IEnumerable<TestCaseData> HealthyHistoryStores()
    {
        yield return new TestCaseData((Func<object>)(() => new HistorySuite<InMemoryHistoryStoreFactory>())).SetArgDisplayNames("InMemory");
        yield return new TestCaseData((Func<object>)(() => new HistorySuite<SqliteHistoryStoreFactory>())).SetArgDisplayNames("Sqlite");
    }

    private static IEnumerable<TestCaseData> HealthyMetadataStores()
    {
        yield return new TestCaseData((Func<object>)(() => new MetadataSuite<HealthyMetadataStore>())).SetArgDisplayNames("InMemory");
        yield return new TestCaseData((Func<object>)(() => new MetadataSuite<SqliteMetadataStoreFactory>())).SetArgDisplayNames("Sqlite");
    }

    private static IEnumerable<TestCaseData> BrokenHistoryStores()
    {
        yield return Case<LostWriteHistoryStore>("LostWrite", ["Query_EntriesAppendedInAnyOrder_ReturnsNewestFirst", "Query_Pages_ConcatenateToFullResultWithoutDuplicatesOrGaps", "Append_NullAndEmptyOptionals_RoundTripDistinctly", "Retention_RandomAppendSequences_KeepExactlyTheEntriesInsideTheLimits"]);
        yield return Case<TornBatchHistoryStore>("TornBatch", ["Append_BatchWithDuplicateId_ThrowsAndStoresNothing", "Append_BatchWithNullEntry_ThrowsAndStoresNothing", "Append_CancelledToken_ThrowsAndStoresNothing"]);
        yield return Case<OldestFirstHistoryStore>("OldestFirst", ["Query_EntriesAppendedInAnyOrder_ReturnsNewestFirst", "Query_EqualTimestamps_BreaksTiesByIdTextDescending", "Query_Pages_ConcatenateToFullResultWithoutDuplicatesOrGaps", "Query_EachFilterAndCombinations_MatchLinqOracle"]);
        yield return Case<TiesByBytesHistoryStore>("TiesByBytes", ["Query_EqualTimestamps_BreaksTiesByIdTextDescending", "Query_EntriesAppendedInAnyOrder_ReturnsNewestFirst"]);
        yield return Case<CancellationIgnoredHistoryStore>("CancellationIgnored", ["Append_CancelledToken_ThrowsAndStoresNothing", "Query_CancelledToken_Throws", "ApplyRetention_CancelledToken_ThrowsAndDeletesNothing"]);
        yield return Case<RetentionOneTooManyHistoryStore>("RetentionOneTooMany", ["Append_BeyondMaxEntries_KeepsExactlyTheNewestMaxEntries", "Append_ConcurrentAppends_KeepExactlyTheNewestMaxEntries", "Retention_RandomAppendSequences_KeepExactlyTheEntriesInsideTheLimits"]);
        yield return Case<RetentionClockAheadHistoryStore>("RetentionClockAhead", ["ApplyRetention_AfterTimePasses_DeletesEntriesOlderThanMaxAgeAndReturnsCount", "Append_AfterTimePasses_AlsoDeletesEntriesOlderThanMaxAge", "Retention_RandomAppendSequences_KeepExactlyTheEntriesInsideTheLimits"]);

        static TestCaseData Case<TStore>(string name, string[] caughtBy)
            where TStore : IHistoryStoreFactory =>
            new TestCaseData((Func<object>)(() => new HistorySuite<TStore>()), caughtBy).SetArgDisplayNames(name);
    }

    private static IEnumerable<TestCaseData> BrokenMetadataStores()
    {
        yield return Case<LostWriteMetadataStore>("LostWrite", ["Upsert_ThenGet_ReturnsEqualRecords", "Get_ReturnsRecordsInOrdinalDescriptorOrder", "Upsert_ConcurrentWriters_AllRecordsLand"]);
        yield return Case<TornBatchMetadataStore>("TornBatch", ["Upsert_DuplicateDescriptorInBatch_ThrowsAndWritesNothing", "Upsert_RecordOfAnotherKey_ThrowsAndWritesNothing"]);
        yield return Case<TornOnCancelMetadataStore>("TornOnCancel", ["Upsert_CancelledTokenWithSeveralRecords_ThrowsAndWritesNothing", "Remove_CancelledTokenWithSeveralDescriptors_ThrowsAndRemovesNothing", "Remove_ListWithNullDescriptor_ThrowsAndRemovesNothing"]);
        yield return Case<UnsortedMetadataStore>("Unsorted", ["Get_ReturnsRecordsInOrdinalDescriptorOrder", "Upsert_IsIsolatedBetweenTracksAndProfiles"]);
        yield return Case<CancellationIgnoredMetadataStore>("CancellationIgnored", ["Upsert_CancelledToken_ThrowsAndWritesNothing", "Remove_CancelledToken_ThrowsAndRemovesNothing", "Reads_CancelledToken_Throw"]);

        static TestCaseData Case<TStore>(string name, string[] caughtBy)
            where TStore : IMetadataStoreFactory =>
            new TestCaseData((Func<object>)(() => new MetadataSuite<TStore>()), caughtBy).SetArgDisplayNames(name);
    }

    [OneTimeTearDown]
    public void DeleteSqliteFiles() => SqliteStoreFiles.DeleteFolder();

    [Test]
    public async Task HistorySuite_HealthyStore_PassesEveryTestAndDisposesEveryStore()
    {
        var failures = await ConformanceRunner.RunAsync(new HistorySuite<HealthyHistoryStore>());

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty);
            Assert.That(ConformanceRunner.TestNames(typeof(HistorySuite<HealthyHistoryStore>)), Has.Count.GreaterThanOrEqualTo(25));
            Assert.That(HealthyHistoryStore.Created, Is.GreaterThan(50), "the CsCheck property creates a store per sample");
            Assert.That(HealthyHistoryStore.Disposed, Is.EqualTo(HealthyHistoryStore.Created), "the runner honours [TearDown]");
        });
    }

    [TestCaseSource(nameof(HealthyHistoryStores))]
    public async Task HistorySuite_ShippedStore_PassesEveryTest(Func<object> suite) =>
        Assert.That(await ConformanceRunner.RunAsync(suite()), Is.Empty);

    [TestCaseSource(nameof(HealthyMetadataStores))]
    public async Task MetadataSuite_ShippedStore_PassesEveryTest(Func<object> suite)
    {
        var fixture = suite();
        var failures = await ConformanceRunner.RunAsync(fixture);

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty);
            Assert.That(ConformanceRunner.TestNames(fixture.GetType()), Has.Count.GreaterThanOrEqualTo(20));
        });
    }

    [TestCaseSource(nameof(BrokenHistoryStores))]
    public async Task HistorySuite_BrokenStore_FailsTheTestsThatCatchIt(Func<object> suite, string[] caughtBy) =>
        await AssertCaughtAsync(suite(), caughtBy);

    [TestCaseSource(nameof(BrokenMetadataStores))]
    public async Task MetadataSuite_BrokenStore_FailsTheTestsThatCatchIt(Func<object> suite, string[] caughtBy) =>
        await AssertCaughtAsync(suite(), caughtBy);

    [Test]
    public void BrokenSuites_AreNotDiscoveredAsFixtures() =>
        Assert.That(
            typeof(BrokenStoreTests).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AudioVis.Cache.Testing.HistoryStoreConformanceTests)) || t.IsSubclassOf(typeof(AudioVis.Cache.Testing.CacheMetadataStoreConformanceTests)))
                .Where(t => !t.IsGenericTypeDefinition).Select(t => t.Name),
            Is.Empty);

    private static async Task AssertCaughtAsync(object suite, string[] caughtBy)
    {
        var failures = await ConformanceRunner.RunAsync(suite);
        foreach (var (test, message) in failures)
        {
            await TestContext.Out.WriteLineAsync($"CAUGHT [{suite.GetType().GetGenericArguments()[0].Name}] {test}: {message.ReplaceLineEndings(" ")}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Not.Empty, "the suite must catch the broken store");
            Assert.That(failures.Keys, Is.SupersetOf(caughtBy));
        });
    }
}
