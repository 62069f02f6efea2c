using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Orleans.Tests;

public sealed class OptionsTests
{
    [TestCase(nameof(AudioVisCacheOrleansOptions.MaxCallAttempts), "0")]
    [TestCase(nameof(AudioVisCacheOrleansOptions.InitialRetryDelay), "00:00:00")]
    [TestCase(nameof(AudioVisCacheOrleansOptions.PollInterval), "-00:00:01")]
    [TestCase(nameof(AudioVisCacheOrleansOptions.RefreshPeriod), "00:00:00.0010000")]
    public void UseOrleansRegenerationQueue_InvalidOption_FailsAtStartNamingOptionAndValue(string option, string value)
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache().UseOrleansRegenerationQueue(o =>
        {
            switch (option)
            {
                case nameof(o.MaxCallAttempts): o.MaxCallAttempts = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case nameof(o.InitialRetryDelay): o.InitialRetryDelay = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case nameof(o.PollInterval): o.PollInterval = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: o.RefreshPeriod = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        });
        using var provider = services.BuildServiceProvider();
        Assert.That(
            () => _ = provider.GetRequiredService<IOptions<AudioVisCacheOrleansOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains($"AudioVisCacheOrleansOptions.{option}").And.Message.Contains(value));
    }

    [Test]
    public void DefaultOptions_AreValid()
    {
        var result = new AudioVisCacheOrleansOptionsValidator().Validate(null, new AudioVisCacheOrleansOptions());
        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }
}
