using AudioVis.Cache.Analysis;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Hosting;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioVis.Cache.Tests.Hosting;

/// <summary>Issue #11: AudioVis.Cache.Hosting runs the frame loop and starts the queue for hosts without a render loop.</summary>
public sealed class FrameLoopServiceTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    [Test]
    public async Task HostedLoop_RunsFramesOnTheHostsClock_AndAutoRegenerationNeedsNoOneToResolveTheQueue()
    {
        var interval = TimeSpan.FromMilliseconds(50);
        await using var services = new TestServices(s =>
        {
            s.AddSingleton<IAudioAnalyzer>(sp => new FakeAnalyzer(sp.GetRequiredService<ICacheMetadataStore>(), sp.GetRequiredService<TimeProvider>()));
            s.Configure<RegenerationOptions>(o => o.AutoRegenerate = true);
            s.AddAudioVisCache().AddHostedFrameLoop(o => o.FrameInterval = interval).AddHostedFrameLoop();
        });
        var current = new TaskCompletionSource<CacheDiff>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = services.Scheduler.Subscribe(d =>
        {
            if (d.Current.Count == 2)
            {
                current.TrySetResult(d);
            }
        });
        var hosted = services.Get<IEnumerable<IHostedService>>().OfType<FrameLoopService>().ToArray();
        await hosted[0].StartAsync(CancellationToken.None);

        services.Bus.Publish(services.Intent("meter", "a.wav", "hires", "rms", "zcr"));
        var deadline = DateTime.UtcNow + Safety;
        while (!current.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            services.Time.Advance(interval);
            await Task.Delay(5);
        }

        await hosted[0].StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(hosted, Has.Length.EqualTo(1), "adding the loop twice registers it once");
            Assert.That(current.Task.IsCompleted, Is.True, "the hosted frames published the diff, the queue regenerated it, a later frame saw it current");
            Assert.That(hosted[0].Frames, Is.GreaterThanOrEqualTo(2));
        });
    }

    [Test]
    public void InvalidFrameInterval_FailsOptionsValidation_NamingTheOption()
    {
        using var provider = new ServiceCollection().AddAudioVisCache().AddHostedFrameLoop(o => o.FrameInterval = TimeSpan.Zero).Services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<AudioVisCacheHostOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("AudioVisCacheHostOptions.FrameInterval"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Start_TempFileOfAnEndedWriter_SweptBeforeTheFirstFrameUnlessSwitchedOff(bool sweep)
    {
        var root = Path.Combine(Path.GetTempPath(), "avcache-hosted-sweep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await ended.WaitForExitAsync();
        var temp = Path.Combine(root, AudioVis.Cache.Internal.TempFileNames.Create("x.avcf", AudioVis.Cache.Internal.TempFileNames.LocalHost, ended.Id));
        await File.WriteAllTextAsync(temp, "partial");
        try
        {
            await using var services = new TestServices(s =>
            {
                s.Configure<AudioVis.Cache.DependencyInjection.AudioVisCacheOptions>(o => o.FeatureCacheRoot = root);
                s.AddAudioVisCache().AddHostedFrameLoop(o => o.SweepTempFilesAtStart = sweep);
            });
            var hosted = services.Get<IEnumerable<IHostedService>>().OfType<FrameLoopService>().Single();

            await hosted.StartAsync(CancellationToken.None);
            var deadline = DateTime.UtcNow + Safety;
            while (hosted.Frames == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await hosted.StopAsync(CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(hosted.Frames, Is.GreaterThanOrEqualTo(1), "a frame ran, so the start-up work is done");
                Assert.That(File.Exists(temp), Is.EqualTo(!sweep));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
