using System.Collections.Immutable;
using AudioVis.Cache.Storage;
using Orleans.Concurrency;

namespace AudioVis.Cache.Orleans.Grains;

/// <summary>
/// The grain of one {track, profile}. Its single activation in the cluster forwards every request for the key to the
/// regeneration queue of the silo it lives on, so that queue sees them all (serial per key, deduplicated cluster-wide).
/// Every method interleaves: a request joins a running job instead of waiting for it.
/// </summary>
[Alias("AudioVis.Cache.Orleans.IRegenerationKeyGrain")]
internal interface IRegenerationKeyGrain : IGrainWithStringKey
{
    /// <summary>Enqueues <paramref name="request"/> under <paramref name="requestId"/> (idempotent per id) and returns the job id.</summary>
    [AlwaysInterleave]
    [Alias("Enqueue")]
    Task<long> EnqueueAsync(Guid requestId, WireRequest request);

    /// <summary>
    /// Waits up to <paramref name="maxWait"/> for the outcome of a request (the caller polls, so a call lost with a dead silo
    /// is noticed by the caller's timeout); <see cref="WireWait.Known"/> is false when this activation never saw it.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Wait")]
    Task<WireWait> WaitAsync(Guid requestId, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Cancels a job of this silo's queue.</summary>
    [AlwaysInterleave]
    [Alias("Cancel")]
    Task<bool> CancelAsync(long jobId);

    /// <summary>Retries a failed or cancelled job under <paramref name="requestId"/>; null when the queue does not remember it.</summary>
    [AlwaysInterleave]
    [Alias("Retry")]
    Task<WireRetry?> RetryAsync(long jobId, Guid requestId);

    /// <summary>Re-targets a job waiting for a replacement profile; the error message when it cannot.</summary>
    [AlwaysInterleave]
    [Alias("Retarget")]
    Task<string?> RetargetAsync(long jobId, string replacementProfileId);
}

/// <summary>What <see cref="IRegenerationKeyGrain.RetryAsync"/> answers: the new job and the request to re-send after a failover.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireRetry")]
[Immutable]
internal sealed record WireRetry([property: Id(0)] long JobId, [property: Id(1)] WireRequest Request);

/// <summary>Receives status changes on a client.</summary>
[Alias("AudioVis.Cache.Orleans.IRegenerationStatusObserver")]
internal interface IRegenerationStatusObserver : IGrainObserver
{
    /// <summary>A batch of changes of one silo, in the order its queue raised them.</summary>
    [OneWay]
    [Alias("OnStatusChanged")]
    Task OnStatusChangedAsync(ImmutableArray<WireStatus> changes);
}

/// <summary>
/// The cluster's status hub (one activation, key 0): silos publish their queues' status changes and gates, clients
/// subscribe observers (refreshed periodically; unrefreshed ones expire).
/// </summary>
[Alias("AudioVis.Cache.Orleans.IRegenerationEventHubGrain")]
internal interface IRegenerationEventHubGrain : IGrainWithIntegerKey
{
    [Alias("Subscribe")]
    Task SubscribeAsync(IRegenerationStatusObserver observer, TimeSpan lifetime);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IRegenerationStatusObserver observer);

    [OneWay]
    [Alias("Publish")]
    Task PublishAsync(ImmutableArray<WireStatus> changes);

    [Alias("ReportGates")]
    Task ReportGatesAsync(SiloAddress silo, WireGates gates);

    [Alias("GetGates")]
    Task<ImmutableArray<WireGates>> GetGatesAsync();
}

/// <summary>Grain keys of the {track, profile} grains.</summary>
internal static class RegenerationGrainKeys
{
    /// <summary>An unambiguous string key: the track reference's length, a colon, the track reference, then the profile id.</summary>
    public static string For(CacheKey key) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key.TrackRef.Length}:{key.TrackRef}{key.AnalysisProfileId}");
}
