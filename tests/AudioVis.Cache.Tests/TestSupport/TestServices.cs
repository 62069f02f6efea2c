using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.TestSupport;

/// <summary>The library wired through DI with a fake clock, a counting store and a fake logger.</summary>
internal sealed class TestServices : IDisposable, IAsyncDisposable
{
    public static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { WindowSize = 4096, FftSize = 4096, HopSize = 1024 }, "HighRes FFT");

    private readonly ServiceProvider _provider;

    /// <param name="configure">Registers the test's services before the library's.</param>
    /// <param name="sourceIdentity">
    /// Whether the track source monitor runs. Off by default: most tests use track references that are not files (and would
    /// be reported unavailable) and count the decodes of their analyses; tests of source identity turn it on.
    /// </param>
    public TestServices(Action<IServiceCollection>? configure = null, bool sourceIdentity = false)
    {
        LoggerFactory = new FakeLoggerFactory(Logs);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ILoggerFactory>(LoggerFactory);
        services.AddSingleton<ICacheMetadataStore>(Store);
        services.AddSingleton<IDiagnosticsPreferenceStore, InMemoryDiagnosticsPreferenceStore>();
        configure?.Invoke(services);
        services.AddAudioVisCache(o => o.Profiles.Add(HiRes)).ConfigureSourceIdentity(o => o.Enabled = sourceIdentity);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero));

    public FakeLogCollector Logs { get; } = new();

    public CountingMetadataStore Store { get; } = new();

    public IAnalysisIntentBus Bus => _provider.GetRequiredService<IAnalysisIntentBus>();

    public IDiffScheduler Scheduler => _provider.GetRequiredService<IDiffScheduler>();

    public ICacheDiffer Differ => _provider.GetRequiredService<ICacheDiffer>();

    public IAnalysisProfileRegistry Profiles => _provider.GetRequiredService<IAnalysisProfileRegistry>();

    public IProjectTimebase Timebase => _provider.GetRequiredService<IProjectTimebase>();

    private ILoggerFactory LoggerFactory { get; }

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public AnalysisIntent Intent(string elementId, string trackRef, string profileId, params string[] descriptors) =>
        AnalysisIntent.Create(elementId, trackRef, profileId, descriptors, Timebase.GetUtcNow());

    public void Dispose() => _provider.Dispose();

    /// <summary>Disposes asynchronously: required once an <see cref="IAsyncDisposable"/>-only service (the regeneration queue) was resolved.</summary>
    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

/// <summary>A logger factory whose loggers all write to one <see cref="FakeLogCollector"/>.</summary>
internal sealed class FakeLoggerFactory(FakeLogCollector collector) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new FakeLogger(collector, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
