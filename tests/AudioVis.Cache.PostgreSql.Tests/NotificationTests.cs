using AudioVis.Cache.Storage;
using AudioVis.Cache.TestServers;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>LISTEN/NOTIFY: writes on one node reach another node's scheduler; a dropped connection reconnects and resyncs.</summary>
public sealed class NotificationTests
{
    [Test]
    public void Payload_RoundTripsEveryKey_AndFallsBackToResyncWhenTooLong()
    {
        var genKey = Gen.Select(Gen.String[Gen.Char.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)), 1, 200], Gen.Int[0, 2]).Select(t => new CacheKey(t.Item1.Trim().Length == 0 ? "x" : t.Item1, t.Item2 switch
        {
            0 => "default",
            1 => "p2",
            _ => "12",
        }));
        genKey.Sample(key =>
        {
            var payload = PostgreSqlChangePayload.Encode(key);
            return PostgreSqlChangePayload.TryDecode(payload, out var decoded) && decoded == key;
        });

        var longKey = new CacheKey(new string('曲', 1000), "default");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostgreSqlChangePayload.Encode(longKey, maxBytes: 2000), Is.EqualTo(PostgreSqlChangePayload.Resync));
            Assert.That(PostgreSqlChangePayload.TryDecode(PostgreSqlChangePayload.Resync, out var resync) && resync is null, Is.True);
            Assert.That(PostgreSqlChangePayload.TryDecode("k:99:short", out _), Is.False);
            Assert.That(PostgreSqlChangePayload.TryDecode("something else", out _), Is.False);
        }
    }

    [Test]
    public async Task UpsertAndRemoveOnNodeA_ReachNodeBsSchedulerAndFeed()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        await using var nodeA = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs), ownsDatabase: true);
        await using var databaseB = PostgreSqlServerFixture.Open(cs);
        await using var listenerB = new PostgreSqlChangeListener(databaseB, TimeSpan.FromSeconds(1), TimeProvider.System);
        var scheduler = new RecordingScheduler();
        listenerB.Attach(scheduler);
        var fed = new List<CacheKey?>();
        listenerB.Changed += (_, e) =>
        {
            lock (fed)
            {
                fed.Add(e.Key);
            }
        };
        await listenerB.WaitUntilListeningAsync().WaitAsync(TestSupport.Timeout);
        var key = new CacheKey("tracks/曲 1:2.wav", "default");
        var other = new CacheKey("other.wav", "default");

        await nodeA.UpsertAsync(key, [TestSupport.Record(key, "rms"), TestSupport.Record(key, "onset.strength")]);
        await scheduler.KeyArrivesAsync(key);
        await nodeA.RemoveAsync(other, [Descriptors.DescriptorId.Parse("rms")]);
        await nodeA.UpsertAsync(other, [TestSupport.Record(other, "rms")]);
        await scheduler.KeyArrivesAsync(other);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(scheduler.Keys, Is.EqualTo(new[] { key, other }), "one notification per write; removing nothing notifies nothing");
            Assert.That(scheduler.Resyncs, Is.EqualTo(1), "one resync when the listener started");
            lock (fed)
            {
                Assert.That(fed, Is.EqualTo(new CacheKey?[] { null, key, other }));
            }
        }

        await nodeA.RemoveAsync(key, [Descriptors.DescriptorId.Parse("rms")]);
        await scheduler.WhenAsync(s => s.Keys.Count == 3);
        Assert.That(scheduler.Keys.Last(), Is.EqualTo(key));
    }

    [Test]
    public async Task ServerStopAndRestart_ListenerReconnectsAndResyncs_AndLaterWritesStillArrive()
    {
        // Its own server: stopping the assembly's server would disturb other tests.
        await using var server = await PostgreSqlTestServer.StartAsync();
        var cs = await server.CreateDatabaseAsync("restart");
        var time = TimeProvider.System;
        await using var nodeA = new PostgreSqlCacheMetadataStore(PostgreSqlServerFixture.Open(cs, time, maxRetries: 10), ownsDatabase: true);
        await using var databaseB = PostgreSqlServerFixture.Open(cs, time);
        await using var listenerB = new PostgreSqlChangeListener(databaseB, TimeSpan.FromMilliseconds(400), time);
        var scheduler = new RecordingScheduler();
        listenerB.Attach(scheduler);
        await listenerB.WaitUntilListeningAsync().WaitAsync(TestSupport.Timeout);
        var before = new CacheKey("before.wav", "default");
        await nodeA.UpsertAsync(before, [TestSupport.Record(before, "rms")]);
        await scheduler.KeyArrivesAsync(before);

        await server.StopAsync();
        await server.RestartAsync();
        await scheduler.WhenAsync(s => s.Resyncs >= 2);
        var after = new CacheKey("after.wav", "default");
        await nodeA.UpsertAsync(after, [TestSupport.Record(after, "rms")]);
        await scheduler.KeyArrivesAsync(after);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(scheduler.Resyncs, Is.EqualTo(2), "one resync at start, one after reconnecting");
            Assert.That(listenerB.IsListening, Is.True);
            Assert.That(await nodeA.GetKeysAsync(), Is.EqualTo(new[] { after, before }));
        }
    }

    [Test]
    public async Task ListenerStartedBeforeTheServerIsReachable_KeepsRetrying_AndListensOnceItIs()
    {
        await using var server = await PostgreSqlTestServer.StartAsync();
        var cs = await server.CreateDatabaseAsync("late");
        await server.StopAsync();
        await using var database = PostgreSqlServerFixture.Open(cs, TimeProvider.System);
        await using var listener = new PostgreSqlChangeListener(database, TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var scheduler = new RecordingScheduler();
        listener.Attach(scheduler);
        listener.Start();
        var listening = listener.WaitUntilListeningAsync();

        Assert.That(listening.IsCompleted, Is.False);
        await server.RestartAsync();
        await listening.WaitAsync(TestSupport.Timeout);

        Assert.That(scheduler.Resyncs, Is.EqualTo(1));
    }

    [Test]
    public async Task Dispose_StopsTheListener()
    {
        var cs = await PostgreSqlServerFixture.NewDatabaseAsync();
        await using var database = PostgreSqlServerFixture.Open(cs, new FakeTimeProvider());
        var listener = new PostgreSqlChangeListener(database, TimeSpan.FromSeconds(1), TimeProvider.System);
        await listener.WaitUntilListeningAsync().WaitAsync(TestSupport.Timeout);

        await listener.DisposeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listener.IsListening, Is.False);
            Assert.That(await TestSupport.ScalarAsync(cs, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%';"), Is.Zero);
        }
    }
}
