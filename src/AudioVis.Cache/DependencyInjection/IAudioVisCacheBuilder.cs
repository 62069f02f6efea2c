using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>Configures the services <c>AddAudioVisCache</c> registered; returned so calls can be chained.</summary>
public interface IAudioVisCacheBuilder
{
    /// <summary>Gets the service collection the library was added to.</summary>
    IServiceCollection Services { get; }
}

/// <inheritdoc/>
internal sealed class AudioVisCacheBuilder(IServiceCollection services) : IAudioVisCacheBuilder
{
    public IServiceCollection Services { get; } = services;
}
