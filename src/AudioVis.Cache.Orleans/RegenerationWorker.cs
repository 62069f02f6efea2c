using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Threading.Channels;
using AudioVis.Cache.Orleans.Grains;
using AudioVis.Cache.Regeneration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Orleans;

/// <summary>
/// A silo's side of distributed regeneration: owns the silo-local <see cref="RegenerationQueue"/> the key grains forward
/// to, gives it a cluster-unique job id range, and forwards its status changes and gates to the status hub.
/// </summary>
internal sealed partial class RegenerationWorker : IAsyncDisposable
{
    private const int RememberedRequests = 4096;

    private readonly Channel<WireStatus> _changes = Channel.CreateUnbounded<WireStatus>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<long, WireRequest> _requests = [];
    private readonly Queue<long> _requestOrder = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IGrainFactory _grains;
    private readonly IAnalysisAvailability _availability;
    private readonly IExportCoordinator _exports;
    private readonly SiloAddress _silo;
    private readonly AudioVisCacheOrleansOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _publisher;
    private readonly Task _gateReporter;

    public RegenerationWorker(
        IRegenerationQueue queue,
        IGrainFactory grains,
        IAnalysisAvailability availability,
        IExportCoordinator exports,
        ILocalSiloDetails silo,
        IOptions<AudioVisCacheOrleansOptions> options,
        TimeProvider time,
        ILogger<RegenerationWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        Queue = queue as RegenerationQueue ?? throw new InvalidOperationException(
            $"A silo's IRegenerationQueue must be AudioVis.Cache's in-process queue (AddAudioVisCache registers it); it is {queue?.GetType().FullName ?? "null"}. Do not call UseOrleansRegenerationQueue on a silo's services.");
        _grains = grains;
        _availability = availability;
        _exports = exports;
        _silo = silo.SiloAddress;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // Job ids are (31-bit random tag << 32) + the local counter: unique across the cluster unless two live silos draw the same tag.
        Tag = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        Queue.SeedJobIds((long)Tag << 32);
        _subscriptions.Add(Queue.Subscribe(OnStatusChanged));
        _subscriptions.Add(availability.Subscribe(available => _ = ReportGatesAsync()));
        _subscriptions.Add(exports.Subscribe(exporting => _ = ReportGatesAsync()));
        _publisher = Task.Run(PublishAsync);
        _gateReporter = Task.Run(ReportGatesPeriodicallyAsync);
        Log.Started(_logger, _silo, Tag);
    }

    /// <summary>Gets the silo-local queue.</summary>
    public RegenerationQueue Queue { get; }

    /// <summary>Gets the silo's clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>Gets the high 32 bits of this silo's job ids.</summary>
    public int Tag { get; }

    private IRegenerationEventHubGrain Hub => _grains.GetGrain<IRegenerationEventHubGrain>(0);

    /// <summary>The request a job last described (from its status changes), to re-send after a failover.</summary>
    public WireRequest? LastRequestOf(long jobId)
    {
        lock (_lock)
        {
            return _requests.GetValueOrDefault(jobId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _changes.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_publisher, _gateReporter).ConfigureAwait(false);
        _stopping.Dispose();
    }

    // Runs under the queue's lock: record and hand over, nothing more.
    private void OnStatusChanged(RegenerationStatusChanged change)
    {
        var wire = WireStatus.From(change);
        lock (_lock)
        {
            if (!_requests.ContainsKey(change.JobId))
            {
                _requestOrder.Enqueue(change.JobId);
                if (_requestOrder.Count > RememberedRequests)
                {
                    _requests.Remove(_requestOrder.Dequeue());
                }
            }

            _requests[change.JobId] = new WireRequest(wire.TrackRef, wire.ProfileId, wire.Descriptors, wire.Reason, wire.RequestingElementIds);
        }

        _changes.Writer.TryWrite(wire);
    }

    private async Task PublishAsync()
    {
        var reader = _changes.Reader;
        var batch = ImmutableArray.CreateBuilder<WireStatus>();
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < 256 && reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                try
                {
                    await Hub.PublishAsync(batch.ToImmutable()).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // At most once: a batch the hub did not take is dropped (tickets do not depend on events).
                    Log.PublishFailed(_logger, batch.Count, ex);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReportGatesPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_options.RefreshPeriod, _time);
        try
        {
            do
            {
                await ReportGatesAsync().ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReportGatesAsync()
    {
        try
        {
            await Hub.ReportGatesAsync(_silo, new WireGates(!_availability.IsAvailable, _exports.IsExportInProgress)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.GatesReportFailed(_logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "AudioVis.Cache worker started on silo {Silo}; job ids start at tag {Tag} << 32")]
        public static partial void Started(ILogger logger, SiloAddress silo, int tag);

        [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Dropped {Count} regeneration status changes: the status hub could not be reached")]
        public static partial void PublishFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Could not report this silo's regeneration gates to the status hub (retried every refresh period)")]
        public static partial void GatesReportFailed(ILogger logger, Exception exception);
    }
}
