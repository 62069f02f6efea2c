using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Reliability.Tests.Load;

/// <summary>Issue #12, item 5: the regeneration queue under many producers and subscribers, and under many cancelled waits.</summary>
[TestFixture]
[NonParallelizable]
public sealed class QueueLoadTests
{
    private const int Producers = 10;
    private const int Subscribers = 10;
    private const int DescriptorsPerKey = 50;
    private const int InFlight = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Test]
    [CancelAfter(300_000)]
    public async Task ProducersAndSubscribers_CompletedSetEqualsRequestedSet_NoDescriptorOrKeyAnalysedTwiceAtOnce()
    {
        var requests = ReliabilityTier.Pick(10_000, 100_000);
        var keys = QueueRig.Keys(5);
        var descriptors = QueueRig.Descriptors(DescriptorsPerKey);
        var analyzer = new ProbeAnalyzer(static async (_, token) =>
        {
            await Task.Yield();
            if (Random.Shared.Next(8) == 0)
            {
                await Task.Delay(1, token).ConfigureAwait(false);
            }
        });
        await using var rig = new QueueRig(analyzer);
        var subscribers = Enumerable.Range(0, Subscribers).Select(_ => new FinalStatusLog()).ToArray();
        var subscriptions = subscribers.Select(s => rig.Queue.Subscribe(s.Add)).ToArray();
        var clock = Stopwatch.StartNew();

        // Each producer walks all 500 slots in its own seeded order (so every descriptor is asked for), adding up to two more
        // descriptors of the same key to each request. A producer
        // keeps at most InFlight requests waiting, so jobs keep starting and ending while requests join, merge and queue.
        var perProducer = requests / Producers;
        var produced = await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(1200 + p);
            var order = Enumerable.Range(0, keys.Length * DescriptorsPerKey).ToArray();
            random.Shuffle(order);
            var mine = new List<(RegenerationRequest Request, RegenerationTicket Ticket)>(perProducer);
            for (var i = 0; i < perProducer; i++)
            {
                var slot = order[i % order.Length];
                var wanted = new HashSet<DescriptorId> { descriptors[slot % DescriptorsPerKey] };
                for (var extra = random.Next(3); extra > 0; extra--)
                {
                    wanted.Add(descriptors[random.Next(DescriptorsPerKey)]);
                }

                var request = new RegenerationRequest(keys[slot / DescriptorsPerKey], wanted, RegenerationReason.Manual);
                mine.Add((request, rig.Queue.Enqueue(request)));
                if (mine.Count >= InFlight)
                {
                    await mine[^InFlight].Ticket.Completion.WaitAsync(Bound).ConfigureAwait(false);
                }
            }

            return mine;
        })));
        var all = produced.SelectMany(p => p).ToArray();
        var outcomes = await Task.WhenAll(all.Select(a => a.Ticket.Completion)).WaitAsync(Bound);
        clock.Stop();
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }

        var requested = all.SelectMany(a => a.Request.Descriptors.Select(d => (a.Request.Key, d))).ToHashSet();
        var completed = outcomes.SelectMany(o => o.Records.Select(r => (r.Key, r.Descriptor))).ToHashSet();
        var jobs = outcomes.Select(o => o.JobId).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(requested, Has.Count.EqualTo(keys.Length * DescriptorsPerKey), "the requests cover every descriptor of every key");
            Assert.That(outcomes.Count(o => o.Status != RegenerationStatus.Succeeded), Is.Zero, "every request succeeded");
            Assert.That(all.Zip(outcomes).Count(p => !p.First.Request.Descriptors.All(p.Second.Descriptors.Contains)), Is.Zero, "every outcome covers its request");
            Assert.That(SetChecksum(completed), Is.EqualTo(SetChecksum(requested)), "checksum of the completed set");
            Assert.That(completed.SetEquals(requested), Is.True, "completed set equals requested set");
            Assert.That(analyzer.Completed.SetEquals(requested), Is.True, "the analyzer computed exactly the requested set");
            Assert.That(analyzer.DescriptorOverlaps, Is.Zero, "a descriptor analysed twice at once");
            Assert.That(analyzer.KeyOverlaps, Is.Zero, "a key analysed twice at once");
            Assert.That(analyzer.MaxConcurrent, Is.LessThanOrEqualTo(rig.Options.MaxDegreeOfParallelism));
            foreach (var subscriber in subscribers)
            {
                Assert.That(jobs.IsSubsetOf(subscriber.FinalByJob.Keys), Is.True, "a subscriber missed a final status");
                Assert.That(subscriber.SameFinalsAs(subscribers[0]), Is.True, "subscribers saw different final statuses");
                Assert.That(subscriber.EventsAfterFinal, Is.Zero, "an event after a job's final status");
            }

            Assert.That(rig.Logger.QueueFaults, Is.Zero);
        });
        ReliabilityTier.Report($"load: {Producers} producers x {Subscribers} subscribers, {all.Length} requests over {requested.Count} descriptors of {keys.Length} keys -> {subscribers[0].FinalByJob.Count} jobs, {analyzer.Calls} analyses (max {analyzer.MaxConcurrent} at once), 0 overlaps, completed set = requested set (checksum {SetChecksum(completed):x16}), {clock.Elapsed.TotalSeconds:F2} s");
    }

    public enum WaitTarget
    {
        /// <summary>Every wait joins one job that is running (a requester without a token keeps it alive).</summary>
        JoinRunningJob,

        /// <summary>Every wait joins one job that waits while the worker is unavailable.</summary>
        JoinPausedJob,

        /// <summary>Every wait creates its own job while the worker is unavailable; cancelling the wait cancels the job.</summary>
        OwnJobWhilePaused,
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task CancelledWaits_HeapGrowsLessThan1MB([Values] WaitTarget target)
    {
        const long Budget = 1024 * 1024;
        var waits = ReliabilityTier.Pick(100_000, 1_000_000);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var analyzer = new ProbeAnalyzer((_, token) => new ValueTask(release.Task.WaitAsync(token)));
        await using var rig = new QueueRig(analyzer);
        var key = QueueRig.Keys(1)[0];
        var descriptor = QueueRig.Descriptors(1);
        var holder = target == WaitTarget.OwnJobWhilePaused ? null : rig.Queue.Enqueue(new RegenerationRequest(key, descriptor, RegenerationReason.Manual));
        if (target == WaitTarget.JoinRunningJob)
        {
            while (analyzer.Running == 0)
            {
                await Task.Delay(1);
            }
        }
        else
        {
            rig.Availability.SetAvailable(false);
        }

        // Each wait's key: one key when joining, a key per wait (cycling through 64) when every wait owns its job.
        var ownKeys = Enumerable.Range(0, 64).Select(i => new CacheKey($"own{i:00}.wav", key.AnalysisProfileId)).ToArray();
        var i = 0;
        void CancelWaits(int count)
        {
            for (var n = 0; n < count; n++, i++)
            {
                using var cancellation = new CancellationTokenSource();
                var waitKey = target == WaitTarget.OwnJobWhilePaused ? ownKeys[i % ownKeys.Length] : key;
                var ticket = rig.Queue.Enqueue(new RegenerationRequest(waitKey, descriptor, RegenerationReason.Manual), cancellation.Token);
                cancellation.Cancel();
                if (!ticket.Completion.IsCanceled)
                {
                    throw new AssertionException($"wait {i} was not cancelled by its token");
                }
            }
        }

        CancelWaits(waits / 10);
        var before = FullGcHeap();
        CancelWaits(waits);
        var after = FullGcHeap();

        release.SetResult();
        rig.Availability.SetAvailable(true);
        var held = holder is null ? null : await holder.Completion.WaitAsync(Bound);
        Assert.Multiple(() =>
        {
            Assert.That(after - before, Is.LessThan(Budget), $"heap growth over {waits} cancelled waits");
            Assert.That(held?.Status ?? RegenerationStatus.Succeeded, Is.EqualTo(RegenerationStatus.Succeeded), "the job the waits joined is alive and succeeds");
            Assert.That(analyzer.Calls, Is.EqualTo(holder is null ? 0 : 1), "no cancelled wait's job ever ran");
        });
        ReliabilityTier.Report($"cancelled waits ({target}): {waits} waits cancelled by their token -> heap {before:N0} B before, {after:N0} B after, growth {after - before:N0} B (budget {Budget:N0} B)");
    }

    private static long FullGcHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>An order-independent checksum of a set: the wrapping sum of each member's SHA-256 prefix.</summary>
    private static ulong SetChecksum(IEnumerable<(CacheKey Key, DescriptorId Descriptor)> set)
    {
        ulong sum = 0;
        foreach (var (key, descriptor) in set)
        {
            sum += BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{key.TrackRef}\n{key.AnalysisProfileId}\n{descriptor}")));
        }

        return sum;
    }

    /// <summary>One subscriber's view: the final status of every job, and any event that came after one (it must not).</summary>
    private sealed class FinalStatusLog
    {
        // Handlers run under the queue's lock, one at a time, so no lock of its own.
        public Dictionary<long, RegenerationStatus> FinalByJob { get; } = [];

        public int EventsAfterFinal { get; private set; }

        public bool SameFinalsAs(FinalStatusLog other) =>
            FinalByJob.Count == other.FinalByJob.Count && FinalByJob.All(f => other.FinalByJob.TryGetValue(f.Key, out var status) && status == f.Value);

        public void Add(RegenerationStatusChanged change)
        {
            if (FinalByJob.ContainsKey(change.JobId))
            {
                EventsAfterFinal++;
            }
            else if (change.IsFinal)
            {
                FinalByJob.Add(change.JobId, change.Status);
            }
        }
    }
}
