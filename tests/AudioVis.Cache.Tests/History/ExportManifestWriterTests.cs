using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalTests;
using ApprovalTests.Reporters;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.History;

[UseReporter(typeof(QuietReporter))]
public sealed class ExportManifestWriterTests
{
    private const string Scene = "scene-1";

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
    private static readonly CacheKey TrackA = new("songs/a.wav", "default");
    private static readonly CacheKey TrackB = new("songs/b.wav", "hires");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "History", "analysis-history.v1.schema.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private string _root = null!;
    private FakeTimeProvider _time = null!;
    private InMemoryHistoryStore _store = null!;
    private ExportCoordinator _coordinator = null!;
    private FakeLogger<ExportManifestWriter> _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "avc-manifest-" + Guid.NewGuid().ToString("N"), "exports");
        _time = new FakeTimeProvider(Start);
        _store = new InMemoryHistoryStore(new HistoryRetentionOptions(), _time);
        _coordinator = new ExportCoordinator(new FakeLogger<ExportCoordinator>());
        _logger = new FakeLogger<ExportManifestWriter>();
    }

    [TearDown]
    public void TearDown()
    {
        var parent = Path.GetDirectoryName(_root)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Test]
    public async Task WriteAsync_FixedScenario_SummarisesCountsDescriptorsAndRange()
    {
        await _store.AppendAsync(Scenario());

        var result = await CreateWriter().WriteAsync(Scene);
        var json = ReadJson(result.Path);

        Assert.Multiple(() =>
        {
            Assert.That(result.Path, Is.EqualTo(Path.Combine(_root, Scene, "analysis-history.json")));
            Assert.That(result.EntryCount, Is.EqualTo(4));
            Assert.That(result.GeneratedAt, Is.EqualTo(Start));
            Assert.That(result.PreviousExportAt, Is.Null);
            Assert.That((int)json["formatVersion"]!, Is.EqualTo(1));
            Assert.That((string)json["sceneId"]!, Is.EqualTo(Scene));
            Assert.That((string)json["generatedAt"]!, Is.EqualTo("2026-11-25T20:00:00Z"));
            Assert.That(json["previousExportAt"], Is.Null);
            Assert.That((string)json["timeRange"]!["from"]!, Is.EqualTo("2026-11-25T10:00:00Z"));
            Assert.That((string)json["timeRange"]!["to"]!, Is.EqualTo("2026-11-25T13:00:00Z"));
            Assert.That(json["counts"]!.ToJsonString(), Is.EqualTo("""{"byAction":{"auto_regenerate":1,"manual_regenerate":2,"dismissed":1},"byStatus":{"success":3,"failure":1}}"""));
            Assert.That((int)json["entriesSincePreviousExport"]!, Is.EqualTo(4));
            Assert.That(
                json["descriptors"]!.AsArray().Select(d => $"{d!["trackRef"]}|{d["analysisProfileId"]}|{d["descriptorId"]}|{d["action"]}|{d["status"]}|{d["entryId"]}"),
                Is.EqualTo(new[]
                {
                    $"songs/a.wav|default|rms|manual_regenerate|success|{Id(4)}",
                    $"songs/a.wav|default|waveform|auto_regenerate|success|{Id(1)}",
                    $"songs/b.wav|hires|spectrum|dismissed|success|{Id(3)}",
                }));
            Assert.That(json["entries"]!.AsArray().Select(e => (string)e!["id"]!), Is.EqualTo(new[] { Id(4), Id(3), Id(2), Id(1) }.Select(g => g.ToString())), "newest first");
        });
    }

    [Test]
    public async Task WriteAsync_FixedScenario_EntryCarriesEveryField()
    {
        await _store.AppendAsync(Scenario());

        var json = ReadJson((await CreateWriter().WriteAsync(Scene)).Path);
        var failed = json["entries"]!.AsArray().Single(e => (string)e!["id"]! == Id(2).ToString())!;
        var dismissal = json["entries"]!.AsArray().Single(e => (string)e!["id"]! == Id(3).ToString())!;

        Assert.Multiple(() =>
        {
            Assert.That(failed.ToJsonString(Relaxed), Is.EqualTo(
                $$"""{"id":"{{Id(2)}}","timestamp":"2026-11-25T11:00:00Z","trackRef":"songs/a.wav","analysisProfileId":"default","action":"manual_regenerate","descriptorIds":["rms"],"status":"failure","durationMs":2500,"elementIds":["el-1"],"trigger":"stale+manual","triggerDetail":"rms: profile parameters changed: fftSize: 2048 → 4096","jobId":2,"attempt":3,"errorType":"IOException","errorMessage":"The disk is full."}"""));
            Assert.That(dismissal["jobId"], Is.Null);
            Assert.That(dismissal["errorType"], Is.Null);
            Assert.That(dismissal["triggerDetail"], Is.Null);
            Assert.That(json["descriptors"]!.AsArray().Single(d => (string)d!["descriptorId"]! == "rms")!["errorType"], Is.Null, "rms's last outcome is the later success");
        });
    }

    [Test]
    public async Task WriteAsync_FixedScenario_MatchesApprovedJson()
    {
        await _store.AppendAsync(Scenario());

        var result = await CreateWriter().WriteAsync(Scene);

        Approvals.Verify(await File.ReadAllTextAsync(result.Path));
    }

    [Test]
    public async Task WriteAsync_FixedScenario_IsUtf8WithoutBomAndValidatesAgainstSchema()
    {
        await _store.AppendAsync(Scenario());

        var bytes = await File.ReadAllBytesAsync((await CreateWriter().WriteAsync(Scene)).Path);

        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan().StartsWith("\uFEFF"u8), Is.False, "no BOM");
            AssertValid(JsonNode.Parse(bytes)!);
        });
    }

    [Test]
    public async Task WriteAsync_SecondExport_CountsEntriesSinceThePreviousOne()
    {
        await _store.AppendAsync(Scenario());
        var writer = CreateWriter();
        await writer.WriteAsync(Scene);
        _time.Advance(TimeSpan.FromHours(1));
        await _store.AppendAsync([Entry(5, _time.GetUtcNow(), TrackB, HistoryAction.AutoRegenerate, "spectrum", HistoryStatus.Success)]);
        _time.Advance(TimeSpan.FromHours(1));

        var second = await writer.WriteAsync(Scene);
        var json = ReadJson(second.Path);

        Assert.Multiple(() =>
        {
            Assert.That(second.PreviousExportAt, Is.EqualTo(Start));
            Assert.That(second.GeneratedAt, Is.EqualTo(Start.AddHours(2)));
            Assert.That((string)json["previousExportAt"]!, Is.EqualTo("2026-11-25T20:00:00Z"));
            Assert.That((int)json["entriesSincePreviousExport"]!, Is.EqualTo(1));
            Assert.That(json["entries"]!.AsArray(), Has.Count.EqualTo(5));
            Assert.That((string)json["descriptors"]!.AsArray().Single(d => (string)d!["descriptorId"]! == "spectrum")!["action"]!, Is.EqualTo("auto_regenerate"));
            AssertValid(json);
        });
    }

    [Test]
    public async Task WriteAsync_NoEntries_WritesEmptySummaryThatValidates()
    {
        var result = await CreateWriter().WriteAsync(Scene);
        var json = ReadJson(result.Path);

        Assert.Multiple(() =>
        {
            Assert.That(result.EntryCount, Is.Zero);
            Assert.That(json["timeRange"], Is.Null);
            Assert.That(json["counts"]!.ToJsonString(), Is.EqualTo("""{"byAction":{"auto_regenerate":0,"manual_regenerate":0,"dismissed":0},"byStatus":{"success":0,"failure":0}}"""));
            Assert.That((int)json["entriesSincePreviousExport"]!, Is.Zero);
            Assert.That(json["descriptors"]!.AsArray(), Is.Empty);
            Assert.That(json["entries"]!.AsArray(), Is.Empty);
            AssertValid(json);
        });
    }

    [Test]
    public async Task WriteAsync_MoreEntriesThanOnePage_ReadsEveryPage()
    {
        var entries = Enumerable.Range(1, HistoryQuery.MaxPageSize + 1)
            .Select(i => Entry(i, Start.AddSeconds(-i), TrackA, HistoryAction.AutoRegenerate, "rms", HistoryStatus.Success))
            .ToArray();
        var store = new InMemoryHistoryStore(new HistoryRetentionOptions { MaxEntries = 5000 }, _time);
        await store.AppendAsync(entries);

        var result = await CreateWriter(store).WriteAsync(Scene);

        Assert.Multiple(() =>
        {
            Assert.That(result.EntryCount, Is.EqualTo(HistoryQuery.MaxPageSize + 1));
            Assert.That(ReadJson(result.Path)["entries"]!.AsArray(), Has.Count.EqualTo(HistoryQuery.MaxPageSize + 1));
        });
    }

    [Test]
    public async Task WriteAsync_UnreadablePreviousManifest_WritesWithoutPreviousTimeAndLogs()
    {
        var path = Path.Combine(_root, Scene, "analysis-history.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "{ \"formatVersion\": 1, \"generatedAt\": 42 ");

        var result = await CreateWriter().WriteAsync(Scene);

        Assert.Multiple(() =>
        {
            Assert.That(result.PreviousExportAt, Is.Null);
            Assert.That(ReadJson(path)["previousExportAt"], Is.Null);
            Assert.That(_logger.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(3201));
        });
    }

    [Test]
    public async Task BeginExportAsync_WritesManifestAndKeepsExportInProgressUntilDisposed()
    {
        await _store.AppendAsync(Scenario());
        var path = Path.Combine(_root, Scene, "analysis-history.json");
        var fileExistedWhenScopeOpened = true;
        using var subscription = _coordinator.Subscribe(open =>
        {
            if (open)
            {
                fileExistedWhenScopeOpened = File.Exists(path);
            }
        });

        var scope = await CreateWriter().BeginExportAsync(Scene);
        var inProgress = _coordinator.IsExportInProgress;
        var exists = File.Exists(path);
        scope.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(exists, Is.True);
            Assert.That(inProgress, Is.True);
            Assert.That(fileExistedWhenScopeOpened, Is.False, "the scope opens before the manifest is written, so no regeneration starts in between");
            Assert.That(_coordinator.IsExportInProgress, Is.False);
        });
    }

    [Test]
    public void BeginExportAsync_WriteFails_ClosesTheScope()
    {
        var writer = CreateWriter(new ThrowingStore());

        Assert.Multiple(() =>
        {
            Assert.That(async () => await writer.BeginExportAsync(Scene), Throws.InvalidOperationException);
            Assert.That(_coordinator.IsExportInProgress, Is.False);
        });
    }

    [Test]
    public void BeginExportAsync_InvalidSceneId_OpensNoScope()
    {
        var opened = false;
        using var subscription = _coordinator.Subscribe(_ => opened = true);

        Assert.Multiple(() =>
        {
            Assert.That(async () => await CreateWriter().BeginExportAsync(".."), Throws.ArgumentException);
            Assert.That(opened, Is.False);
        });
    }

    [Test]
    public void WriteAsync_CancelledBeforeStart_WritesNothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await CreateWriter().WriteAsync(Scene, cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(Directory.Exists(_root), Is.False);
        });
    }

    [Test]
    public async Task WriteAsync_CancelledMidWrite_KeepsPreviousManifestAndLeavesNoTempFile()
    {
        await _store.AppendAsync(Scenario());
        var first = await CreateWriter().WriteAsync(Scene);
        var before = await File.ReadAllBytesAsync(first.Path);
        await _store.AppendAsync([Entry(5, Start, TrackB, HistoryAction.AutoRegenerate, "spectrum", HistoryStatus.Success)]);
        using var cts = new CancellationTokenSource();
        var writer = CreateWriter(wrapper: s => new HookStream(s, cts.Cancel));

        Assert.That(async () => await writer.WriteAsync(Scene, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(first.Path), Is.EqualTo(before));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(first.Path)!), Is.EqualTo(new[] { first.Path }));
        });
    }

    [Test]
    public async Task WriteAsync_StreamFailsMidWrite_KeepsPreviousManifestAndLeavesNoTempFile()
    {
        await _store.AppendAsync(Scenario());
        var first = await CreateWriter().WriteAsync(Scene);
        var before = await File.ReadAllBytesAsync(first.Path);
        var writer = CreateWriter(wrapper: s => new HookStream(s, () => throw new IOException("The disk is full.")));

        Assert.That(async () => await writer.WriteAsync(Scene), Throws.InstanceOf<IOException>().With.Message.EqualTo("The disk is full."));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(first.Path), Is.EqualTo(before));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(first.Path)!), Is.EqualTo(new[] { first.Path }));
        });
    }

    [Test]
    public async Task WriteAsync_HistoryStoreThrows_KeepsPreviousManifest()
    {
        await _store.AppendAsync(Scenario());
        var first = await CreateWriter().WriteAsync(Scene);
        var before = await File.ReadAllBytesAsync(first.Path);

        Assert.That(async () => await CreateWriter(new ThrowingStore()).WriteAsync(Scene), Throws.InvalidOperationException);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(first.Path), Is.EqualTo(before));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(first.Path)!), Is.EqualTo(new[] { first.Path }));
        });
    }

    [Test]
    public void WriteAsync_HistoryStoreThrowsOnFirstExport_CreatesNoFolder()
    {
        Assert.That(async () => await CreateWriter(new ThrowingStore()).WriteAsync(Scene), Throws.InvalidOperationException);
        Assert.That(Directory.Exists(_root), Is.False);
    }

    public static IEnumerable<TestCaseData> InvalidSceneIds()
    {
        string[] ids =
        [
            "", " ", "\t", ".", "..", "../x", "..\\x", "a/b", "a\\b", "/abs", "\\abs", "/", "C:", "C:\\x", "c:x", "x:",
            "a<b", "a>b", "a\"b", "a|b", "a?b", "a*b", "a\u0001b", "a\nb", "\u0000", "a\u007f", "a\u0085",
            "name.", "name ", "...",
            "CON", "con", "Con.txt", "PRN", "AUX", "nul", "NUL.tar.gz", "COM0", "COM1", "com9.log", "LPT0", "lpt9", "COM¹", "LPT³.x", "CONIN$", "conout$", "CON .txt",
            new string('a', 129), "a\uD800b", "\uDC00",
        ];
        return ids.Select(id => new TestCaseData(id).SetArgDisplayNames(Display(id)));
    }

    [TestCaseSource(nameof(InvalidSceneIds))]
    public async Task WriteAsync_InvalidSceneId_ThrowsArgumentExceptionAndWritesNothing(string sceneId)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await CreateWriter().WriteAsync(sceneId));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("sceneId"));
            Assert.That(ex.Message, Does.StartWith("Scene id '").And.Contain("cannot be an export folder name: "));
            if (!sceneId.Any(char.IsControl) && sceneId.Length <= 128)
            {
                Assert.That(ex.Message, Does.Contain($"'{sceneId}'"), "the message quotes the scene id");
            }

            Assert.That(Directory.Exists(_root), Is.False, "nothing is created");
        });
    }

    [Test]
    public async Task WriteAsync_NullSceneId_ThrowsArgumentNullException()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(async () => await CreateWriter().WriteAsync(null!));
        Assert.That(ex!.ParamName, Is.EqualTo("sceneId"));
    }

    [Test]
    public void WriteAsync_ReservedName_MessageSaysWhy()
    {
        Assert.That(
            async () => await CreateWriter().WriteAsync("lpt1.txt"),
            Throws.ArgumentException.With.Message.StartsWith("Scene id 'lpt1.txt' cannot be an export folder name: 'LPT1' is a reserved device name on Windows (with or without an extension)."));
    }

    [TestCase("scene-1")]
    [TestCase("My Scene")]
    [TestCase("a.b")]
    [TestCase(".hidden")]
    [TestCase("CONSOLE")]
    [TestCase("COM10")]
    [TestCase("nul_x")]
    [TestCase("é-scène ✓")]
    public async Task WriteAsync_ValidSceneId_WritesInsideTheRoot(string sceneId)
    {
        var result = await CreateWriter().WriteAsync(sceneId);

        Assert.Multiple(() =>
        {
            Assert.That(result.Path, Is.EqualTo(Path.Combine(_root, sceneId, "analysis-history.json")));
            Assert.That((string)ReadJson(result.Path)["sceneId"]!, Is.EqualTo(sceneId));
        });
    }

    [Test]
    public async Task WriteAsync_LongestSceneId_Writes()
    {
        var result = await CreateWriter().WriteAsync(new string('s', 128));
        Assert.That(File.Exists(result.Path), Is.True);
    }

    [TestCase("..")]
    [TestCase("a/../../b")]
    [TestCase("/etc")]
    [TestCase("a/b")]
    public void GetFolder_PathOutsideOrBelowTheRoot_Throws(string sceneId)
    {
        // Defence in depth: GetFolder is only reached after Validate; it checks the combined path on its own.
        Assert.That(
            () => ExportSceneId.GetFolder(_root, sceneId),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("sceneId").And.Message.Contain("not a folder directly inside the exports root"));
    }

    [Test]
    public async Task Schema_ManifestWithUnknownActionOrMissingField_IsRejected()
    {
        await _store.AppendAsync(Scenario());
        var json = ReadJson((await CreateWriter().WriteAsync(Scene)).Path);
        var wrongAction = json.DeepClone();
        wrongAction["entries"]![0]!["action"] = "auto-regenerate";
        var wrongSummaryAction = json.DeepClone();
        wrongSummaryAction["descriptors"]![0]!["action"] = "regenerated";
        var missingGeneratedAt = json.DeepClone();
        missingGeneratedAt.AsObject().Remove("generatedAt");
        var missingCount = json.DeepClone();
        missingCount["counts"]!["byAction"]!.AsObject().Remove("dismissed");
        var missingEntryField = json.DeepClone();
        missingEntryField["entries"]![1]!.AsObject().Remove("jobId");
        var failureWithoutErrorType = json.DeepClone();
        failureWithoutErrorType["entries"]![2]!["errorType"] = null;
        var localTime = json.DeepClone();
        localTime["generatedAt"] = "2026-11-25T21:00:00+01:00";

        Assert.Multiple(() =>
        {
            AssertValid(json);
            Assert.That(Evaluate(wrongAction).IsValid, Is.False, "unknown action in an entry");
            Assert.That(Evaluate(wrongSummaryAction).IsValid, Is.False, "unknown action in a descriptor summary");
            Assert.That(Evaluate(missingGeneratedAt).IsValid, Is.False, "missing generatedAt");
            Assert.That(Evaluate(missingCount).IsValid, Is.False, "missing count key");
            Assert.That(Evaluate(missingEntryField).IsValid, Is.False, "missing entry field");
            Assert.That(Evaluate(failureWithoutErrorType).IsValid, Is.False, "failure without an error type");
            Assert.That(Evaluate(localTime).IsValid, Is.False, "timestamps are UTC");
        });
    }

    [Test]
    public async Task AddAudioVisCache_ExportsRoot_RegistersWriterUnderIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddAudioVisCache(o => o.ExportsRoot = _root);
        await using var provider = services.BuildServiceProvider();

        var writer = provider.GetRequiredService<IExportManifestWriter>();
        var result = await writer.WriteAsync(Scene);

        Assert.Multiple(() =>
        {
            Assert.That(writer, Is.SameAs(provider.GetRequiredService<IExportManifestWriter>()));
            Assert.That(result.Path, Is.EqualTo(Path.Combine(_root, Scene, "analysis-history.json")));
        });
    }

    [Test]
    public void AddAudioVisCache_BlankExportsRoot_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddAudioVisCache(o => o.ExportsRoot = " ");
        using var provider = services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<AudioVis.Cache.DependencyInjection.AudioVisCacheOptions>>().Value,
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contain("AudioVisCacheOptions.ExportsRoot is empty; set a folder or leave it null."));
    }

    private static Guid Id(int n) => Guid.Parse($"0190a000-0000-7000-8000-{n:D12}");

    private static HistoryEntry Entry(int n, DateTimeOffset at, CacheKey key, HistoryAction action, string descriptor, HistoryStatus status) =>
        new(Id(n), at, key, action, [DescriptorId.Parse(descriptor)], status, 10 * n, ["el-" + n], RegenerationReason.Missing, jobId: n, attempt: 1,
            errorType: status == HistoryStatus.Failure ? "InvalidOperationException" : null);

    private static HistoryEntry[] Scenario() =>
    [
        new(Id(1), Start.AddHours(-10), TrackA, HistoryAction.AutoRegenerate, [DescriptorId.Parse("waveform"), DescriptorId.Parse("rms")], HistoryStatus.Success, 120, ["el-1"], RegenerationReason.Missing, jobId: 1, attempt: 1),
        new(Id(2), Start.AddHours(-9), TrackA, HistoryAction.ManualRegenerate, [DescriptorId.Parse("rms")], HistoryStatus.Failure, 2500, ["el-1"], RegenerationReason.Stale | RegenerationReason.Manual,
            "rms: profile parameters changed: fftSize: 2048 → 4096", jobId: 2, attempt: 3, errorType: "IOException", errorMessage: "The disk is full."),
        new(Id(3), Start.AddHours(-8), TrackB, HistoryAction.Dismissed, [DescriptorId.Parse("spectrum")], HistoryStatus.Success, 0),
        new(Id(4), Start.AddHours(-7), TrackA, HistoryAction.ManualRegenerate, [DescriptorId.Parse("rms")], HistoryStatus.Success, 300, ["el-2", "el-1"], RegenerationReason.Manual, jobId: 3, attempt: 1),
    ];

    private static JsonNode ReadJson(string path) => JsonNode.Parse(File.ReadAllBytes(path))!;

    private static EvaluationResults Evaluate(JsonNode json)
    {
        using var document = JsonDocument.Parse(json.ToJsonString());
        return Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
    }

    private static void AssertValid(JsonNode json)
    {
        var results = Evaluate(json);
        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}");
        Assert.That(results.IsValid, Is.True, "schema errors: " + string.Join(" | ", errors));
    }

    private static string Display(string id) =>
        id.Length > 20 ? $"{id[..8]}…({id.Length})" : string.Concat(id.Select(c => char.IsControl(c) || char.IsSurrogate(c) || c == ' ' ? $"\\u{(int)c:X4}" : c.ToString()));

    private ExportManifestWriter CreateWriter(IHistoryStore? store = null, Func<Stream, Stream>? wrapper = null) =>
        new(store ?? _store, _coordinator, _root, _time, _logger) { WriteStreamWrapper = wrapper };

    private sealed class ThrowingStore : IHistoryStore
    {
        public ValueTask AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<HistoryPage> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The history database is offline.");

        public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default) => new(0);
    }

    /// <summary>Runs a hook on the first write, then passes writes through.</summary>
    private sealed class HookStream(Stream inner, Action onFirstWrite) : Stream
    {
        private bool _fired;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Fire();
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Fire();
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Fire()
        {
            if (!_fired)
            {
                _fired = true;
                onFirstWrite();
            }
        }
    }
}
