using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Hosting;

/// <summary>
/// The hosted service: starts the track source monitor (and the regeneration queue) with the host and runs a diff frame
/// every <see cref="AudioVisCacheHostOptions.FrameInterval"/> on the host's <see cref="TimeProvider"/>, so diffs are
/// published, the banner follows and auto-regeneration runs without a render loop. A frame that throws is logged and the
/// loop goes on; stopping the host stops the loop (the container disposes the queue). Before the first frame it sweeps the
/// temporary files crashed writers left (<see cref="AudioVisCacheHostOptions.SweepTempFilesAtStart"/>).
/// </summary>
internal sealed partial class FrameLoopService(
    IServiceProvider services,
    IDiffScheduler scheduler,
    TimeProvider time,
    IOptions<AudioVisCacheHostOptions> options,
    ILogger<FrameLoopService> logger) : BackgroundService
{
    /// <summary>Gets how many frames ran (for tests).</summary>
    internal long Frames => Interlocked.Read(ref _frames);

    private long _frames;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        settings.Validate();
        _ = services.GetService<ITrackSourceMonitor>();
        if (settings.StartRegenerationQueue)
        {
            _ = services.GetService<IRegenerationQueue>();
        }

        if (settings.SweepTempFilesAtStart && services.GetService<ICacheMaintenance>() is { } maintenance)
        {
            try
            {
                await maintenance.SweepTempFilesAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSweepFailed(logger, e);
            }
        }

        using var timer = new PeriodicTimer(settings.FrameInterval, time);
        do
        {
            try
            {
                await scheduler.RunFrameAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _frames);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFrameFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "A diff frame of the AudioVis.Cache hosted service failed; the loop goes on.")]
    private static partial void LogFrameFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "The start-up sweep of the feature store's temporary files failed; the frame loop starts anyway.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
