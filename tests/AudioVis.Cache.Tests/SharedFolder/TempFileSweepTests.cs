using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;

namespace AudioVis.Cache.Tests.SharedFolder;

/// <summary>The sweep of temporary files: the pid rule for this machine, the age rule for everything else, never this process.</summary>
[TestFixture]
public sealed class TempFileSweepTests
{
    private const string ThisHost = "render-01";
    private const string OtherHost = "render-02";
    private const int RunningPid = 4242;
    private const int EndedPid = 4343;
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    private string _root = null!;
    private FileSystemFeatureStore _store = null!;
    private FakeTimeProvider _time = null!;
    private string _keyDirectory = null!;

    [SetUp]
    public async Task SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "avcache-sweep-" + Guid.NewGuid().ToString("N"));
        _store = new FileSystemFeatureStore(_root) { LocalHost = ThisHost, IsProcessAlive = pid => pid == RunningPid };
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await _store.WriteAsync(Blob());
        _keyDirectory = Path.GetDirectoryName(_store.GetBlobPath(Key, DescriptorId.Parse("rms@L")))!;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Sweep_ThisMachineEndedProcess_RemovedAtOnce()
    {
        var temp = Temp(ThisHost, EndedPid, age: TimeSpan.FromSeconds(1));

        var report = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(temp), Is.False);
            Assert.That((report.RemovedOfEndedProcesses, report.RemovedByAge, report.Kept), Is.EqualTo((1, 0, 0)));
        });
    }

    [Test]
    public async Task Sweep_ThisMachineRunningProcess_KeptUntilOlderThanMaxAge()
    {
        var young = Temp(ThisHost, RunningPid, age: TimeSpan.FromHours(1));
        var old = Temp(ThisHost, RunningPid, age: MaxAge + TimeSpan.FromMinutes(1));

        var report = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(young), Is.True, "a running writer's file");
            Assert.That(File.Exists(old), Is.False, "an id reused by another process: the age rule still applies");
            Assert.That((report.RemovedOfEndedProcesses, report.RemovedByAge, report.Kept), Is.EqualTo((0, 1, 1)));
        });
    }

    [Test]
    public async Task Sweep_ThisProcess_NeverRemovedWhateverItsAge()
    {
        var own = Temp(ThisHost, Environment.ProcessId, age: MaxAge * 3);

        var report = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(own), Is.True);
            Assert.That(report.Kept, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Sweep_OtherMachine_KeptUntilItsAgePasses()
    {
        // The other machine's pid is not alive here: the pid rule must not apply to it.
        var foreign = Temp(OtherHost, EndedPid, age: MaxAge - TimeSpan.FromMinutes(1));

        var before = await SweepAsync();
        var existedBefore = File.Exists(foreign);
        _time.Advance(TimeSpan.FromMinutes(2));
        var after = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(existedBefore, Is.True, "younger than the maximum age");
            Assert.That(before.Kept, Is.EqualTo(1));
            Assert.That(File.Exists(foreign), Is.False, "older than the maximum age");
            Assert.That(after.RemovedByAge, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Sweep_OlderGuidNames_ByAgeOnly()
    {
        var young = Path.Combine(_keyDirectory, ".rms@%4C.avcf.0123456789abcdef0123456789abcdef.tmp");
        var old = Path.Combine(_keyDirectory, ".rms@%4C.avcf.fedcba9876543210fedcba9876543210.tmp");
        Touch(young, TimeSpan.FromHours(23));
        Touch(old, TimeSpan.FromHours(25));

        var report = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(young), Is.True);
            Assert.That(File.Exists(old), Is.False);
            Assert.That((report.RemovedOfEndedProcesses, report.RemovedByAge, report.Kept), Is.EqualTo((0, 1, 1)));
        });
    }

    [Test]
    public async Task Sweep_BlobsAndOtherFiles_Untouched()
    {
        var notes = Path.Combine(_keyDirectory, "notes.txt");
        var hidden = Path.Combine(_keyDirectory, ".keep");
        Touch(notes, MaxAge * 10);
        Touch(hidden, MaxAge * 10);
        File.SetLastWriteTimeUtc(_store.GetBlobPath(Key, DescriptorId.Parse("rms@L")), (_time.GetUtcNow() - (MaxAge * 10)).UtcDateTime);

        var report = await SweepAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(report, Is.EqualTo(TempFileSweepReport.Empty).Using<TempFileSweepReport>((a, b) => a.ToString() == b.ToString()));
            Assert.That(File.Exists(notes) && File.Exists(hidden), Is.True);
            Assert.That(await _store.ReadAsync(Key, DescriptorId.Parse("rms@L")), Is.Not.Null);
        });
    }

    [Test]
    public async Task SweepTempFilesAsync_MissingRoot_EmptyReport()
    {
        var store = new FileSystemFeatureStore(Path.Combine(_root, "absent"));

        var report = await store.SweepTempFilesAsync(_time.GetUtcNow(), MaxAge, CancellationToken.None);

        Assert.That(report.Removed + report.Kept, Is.Zero);
    }

    [Test]
    public void SweepTempFilesAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(async () => await _store.SweepTempFilesAsync(_time.GetUtcNow(), MaxAge, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Maintenance_SweepAndRebuild_ReportAndLogWhatWasRemoved()
    {
        var logger = new FakeLogger<CacheMaintenance>();
        var maintenance = new CacheMaintenance(
            _store,
            new InMemoryCacheMetadataStore(),
            new AnalysisProfileRegistry([AnalysisProfile.Default], NullLogger<AnalysisProfileRegistry>.Instance),
            _time,
            logger,
            new InMemoryHistoryStore(new(), _time))
        { TempFileMaxAge = TimeSpan.FromHours(2) };
        Temp(ThisHost, EndedPid, age: TimeSpan.Zero);
        Temp(OtherHost, RunningPid, age: TimeSpan.FromHours(3));
        Temp(OtherHost, RunningPid, age: TimeSpan.FromHours(1));

        var swept = await maintenance.SweepTempFilesAsync();
        Temp(ThisHost, EndedPid, age: TimeSpan.Zero);
        var rebuilt = await maintenance.RebuildMetadataAsync();

        Assert.Multiple(() =>
        {
            Assert.That(swept.ToString(), Is.EqualTo("2 temporary file(s) removed (1 of ended processes, 1 by age), 1 kept"));
            Assert.That(rebuilt.TempFiles.ToString(), Is.EqualTo("1 temporary file(s) removed (1 of ended processes, 0 by age), 1 kept"));
            Assert.That(rebuilt.BlobsScanned, Is.EqualTo(1));
            Assert.That(logger.Collector.GetSnapshot().Where(r => r.Id.Id == 3108).Select(r => r.Message), Has.Some.Contains("2 removed (1 of ended processes, 1 older than 02:00:00), 1 kept"));
        });
    }

    [Test]
    public async Task AddAudioVisCache_TempFileMaxAge_UsedByTheMaintenanceSweep()
    {
        await using var services = new TestServices(s => s.Configure<AudioVisCacheOptions>(o =>
        {
            o.FeatureCacheRoot = _root;
            o.TempFileMaxAge = TimeSpan.FromHours(2);
        }));
        var old = Temp("some-other-host", 1, age: TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        var young = Temp("some-other-host", 1, age: TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        File.SetLastWriteTimeUtc(old, (services.Time.GetUtcNow() - TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1)).UtcDateTime);
        File.SetLastWriteTimeUtc(young, (services.Time.GetUtcNow() - TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1)).UtcDateTime);

        var report = await services.Get<ICacheMaintenance>().SweepTempFilesAsync();

        Assert.Multiple(() =>
        {
            Assert.That((report.RemovedByAge, report.Kept), Is.EqualTo((1, 1)));
            Assert.That(File.Exists(young), Is.True);
        });
    }

    [Test]
    public async Task AddAudioVisCache_BlobsInMemory_SweepReportsNothing()
    {
        await using var services = new TestServices();

        var report = await services.Get<ICacheMaintenance>().SweepTempFilesAsync();

        Assert.That(report, Is.SameAs(TempFileSweepReport.Empty));
    }

    [TestCase(0)]
    [TestCase(59)]
    public void Options_TempFileMaxAgeBelowOneMinute_FailsValidationNamingIt(int seconds)
    {
        using var provider = new ServiceCollection().AddAudioVisCache(o => o.TempFileMaxAge = TimeSpan.FromSeconds(seconds)).Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioVisCacheOptions>>().Value);

        Assert.That(ex!.Failures, Is.EqualTo(new[]
        {
            $"AudioVisCacheOptions.TempFileMaxAge is {TimeSpan.FromSeconds(seconds)}; it must be at least 00:01:00 (a shorter age could remove a running writer's file on another machine).",
        }));
    }

    [Test]
    public void TempFileSweepReport_NegativeCount_Throws() =>
        Assert.That(() => new TempFileSweepReport(0, -1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("removedByAge"));

    [Test]
    public void IsProcessAlive_ThisProcessAndAnEndedOne()
    {
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();

        Assert.Multiple(() =>
        {
            Assert.That(TempFileSweeper.IsProcessAlive(Environment.ProcessId), Is.True);
            Assert.That(TempFileSweeper.IsProcessAlive(ended.Id), Is.False);
        });
    }

    private ValueTask<TempFileSweepReport> SweepAsync() => _store.SweepTempFilesAsync(_time.GetUtcNow(), MaxAge, CancellationToken.None);

    private string Temp(string host, int pid, TimeSpan age)
    {
        var path = Path.Combine(_keyDirectory, TempFileNames.Create(FeatureStorePaths.GetBlobFileName(DescriptorId.Parse("rms@L")), host, pid));
        Touch(path, age);
        return path;
    }

    private void Touch(string path, TimeSpan age)
    {
        File.WriteAllText(path, "partial");
        File.SetLastWriteTimeUtc(path, (_time.GetUtcNow() - age).UtcDateTime);
    }
}
