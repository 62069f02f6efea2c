using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>Issue #11: the flag gates the banner and the panel, never the caching; from configuration or Microsoft.FeatureManagement.</summary>
public sealed class DiagnosticsFeatureFlagTests
{
    [TestCase(null, true)]
    [TestCase("true", true)]
    [TestCase("false", false)]
    [TestCase("yes", false)]
    public async Task ConfigurationFlag_GatesTheBannerAndThePanel_NotTheDiffs(string? value, bool visible)
    {
        var settings = new Dictionary<string, string?>();
        if (value is not null)
        {
            settings["FeatureManagement:" + IDiagnosticsFeatureGate.FlagName] = value;
        }

        await using var services = new TestServices(s => s.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));
        services.Bus.Publish(services.Intent("meter", "a.wav", "hires", "rms", "zcr"));
        var diff = (await services.Scheduler.RunFrameAsync()).Single();
        var banner = services.Get<ICacheBanner>().Current;
        var panel = await services.Get<IDiagnosticsPanel>().OpenAsync();

        Assert.Multiple(() =>
        {
            Assert.That(diff.Missing, Has.Count.EqualTo(2), "the caching is not gated");
            Assert.That(banner.IsVisible, Is.EqualTo(visible));
            Assert.That(panel.Rows.Count(), Is.EqualTo(visible ? 2 : 0));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task MicrosoftFeatureManagement_DrivesTheFlag_ThroughAGate(bool enabled)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FeatureManagement:" + IDiagnosticsFeatureGate.FlagName] = enabled ? "true" : "false" })
            .Build();
        await using var services = new TestServices(s =>
        {
            s.AddSingleton<IConfiguration>(configuration);
            s.AddFeatureManagement();
            s.AddSingleton<IDiagnosticsFeatureGate, FeatureManagerGate>();
        });
        services.Bus.Publish(services.Intent("meter", "a.wav", "hires", "rms"));
        await services.Scheduler.RunFrameAsync();

        Assert.Multiple(() =>
        {
            Assert.That(services.Get<IDiagnosticsFeatureGate>(), Is.TypeOf<FeatureManagerGate>());
            Assert.That(services.Get<ICacheBanner>().Current.IsVisible, Is.EqualTo(enabled));
        });
    }

    /// <summary>The adapter docs/audio-feature-bindings.md shows: the flag asked of Microsoft.FeatureManagement.</summary>
    private sealed class FeatureManagerGate(IFeatureManager features) : IDiagnosticsFeatureGate
    {
        public bool IsEnabled => features.IsEnabledAsync(IDiagnosticsFeatureGate.FlagName).GetAwaiter().GetResult();
    }
}
