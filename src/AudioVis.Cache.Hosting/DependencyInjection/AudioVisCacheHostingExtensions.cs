using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs AudioVis.Cache as a hosted service.</summary>
public static class AudioVisCacheHostingExtensions
{
    /// <summary>
    /// Adds the hosted service that runs the diff frame loop and starts the track source monitor and the regeneration
    /// queue with the host: for services and tools without a render loop. Hosts with a render loop call
    /// <c>IDiffScheduler.RunFrameAsync</c> themselves instead. Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddAudioVisCache(...)</c>.</param>
    /// <param name="configure">Configures the loop (frame interval); validated at start-up.</param>
    /// <returns>The builder.</returns>
    public static IAudioVisCacheBuilder AddHostedFrameLoop(this IAudioVisCacheBuilder builder, Action<AudioVisCacheHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<AudioVisCacheHostOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(
            static o =>
            {
                try
                {
                    o.Validate();
                    return true;
                }
                catch (ArgumentOutOfRangeException)
                {
                    return false;
                }
            },
            "AudioVisCacheHostOptions.FrameInterval must be between 1 ms and 1 hour.").ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FrameLoopService>());
        return builder;
    }
}
