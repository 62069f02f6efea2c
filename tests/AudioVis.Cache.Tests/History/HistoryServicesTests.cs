using AudioVis.Cache.Analysis;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.Regeneration;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Tests.History;

/// <summary>History wired through <c>AddAudioVisCache</c>: the default store, retention options, and the queue recording into it.</summary>
public sealed class HistoryServicesTests
{
    [Test]
    public void AddAudioVisCache_Default_RegistersAnInMemoryHistoryStoreWithDefaultRetention()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().Services.BuildServiceProvider();

        var retention = provider.GetRequiredService<IOptions<HistoryRetentionOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IHistoryStore>(), Is.TypeOf<InMemoryHistoryStore>());
            Assert.That(retention.MaxEntries, Is.EqualTo(1000));
            Assert.That(retention.MaxAge, Is.EqualTo(TimeSpan.FromDays(30)));
        });
    }

    [TestCase(0, 30, "HistoryRetentionOptions.MaxEntries must be between 1 and 10000000. (Parameter 'MaxEntries')\nActual value was 0.")]
    [TestCase(10_000_001, 30, "HistoryRetentionOptions.MaxEntries must be between 1 and 10000000. (Parameter 'MaxEntries')\nActual value was 10000001.")]
    [TestCase(1000, 0, "HistoryRetentionOptions.MaxAge must be between 1 minute and 36500 days. (Parameter 'MaxAge')\nActual value was 00:00:00.")]
    public void ConfigureHistory_InvalidRetention_FailsOnFirstUseNamingTheValue(int maxEntries, int maxAgeDays, string message)
    {
        using var provider = new ServiceCollection().AddAudioVisCache()
            .ConfigureHistory(o =>
            {
                o.MaxEntries = maxEntries;
                o.MaxAge = TimeSpan.FromDays(maxAgeDays);
            })
            .Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<HistoryRetentionOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.EqualTo(message.Replace("\n", Environment.NewLine, StringComparison.Ordinal)));
    }

    [Test]
    public async Task RegenerationQueue_FromServices_RecordsIntoTheRegisteredHistoryStore()
    {
        await using var services = new TestServices(s =>
            s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>())));
        var queue = services.Get<IRegenerationQueue>();

        var outcome = await queue.RegenerateAsync(QueueHarness.Request("a.wav", "rms")).WaitAsync(TimeSpan.FromSeconds(20));
        await ((RegenerationQueue)queue).FlushHistoryAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var page = await services.Get<IHistoryStore>().QueryAsync(HistoryQuery.All);
        Assert.That(page.Entries.Select(e => (e.JobId, e.Status)), Is.EqualTo(new[] { ((long?)outcome.JobId, HistoryStatus.Success) }));
    }

    [Test]
    public void UseHistoryStore_ReplacesTheDefault()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().UseHistoryStore<NullHistoryStore>().Services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IHistoryStore>(), Is.TypeOf<NullHistoryStore>());
    }

    private sealed class NullHistoryStore : IHistoryStore
    {
        public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) => new(new HistoryPage([], null));

        public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => new(0);
    }
}
