using System.Buffers.Binary;
using AudioVis.Cache.FeatureCheck;

namespace AudioVis.Cache.Reliability.Tests.Determinism;

/// <summary>
/// Determinism (docs/reliability.md, item 8): regenerating unchanged descriptors writes bit-identical blob files, on 1, 2
/// and 4 analysis threads and on every SIMD path. The only clock-dependent bytes of a blob are its 8 bytes of time
/// written (docs/feature-blobs.md) and the footer checksum that covers them: a regeneration at the same time must match
/// byte for byte (nothing excluded); one at a later time must differ in those 16 bytes only.
/// </summary>
public sealed class DeterminismTests
{
    private const string DefaultPathPrefix = "default-path: ";

    private static readonly DateTimeOffset AnalyzedAt = AnalyzerGolden.AnalyzedAt;

    private string _root = null!;

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("audiovis-determinism-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    [TestCase("stereo")]
    [TestCase("clicks")]
    public void Regenerate_SameTime_RewritesEveryBlobBitIdentical(string signal)
    {
        var store = Path.Combine(_root, "store");
        var first = FileStoreAnalysis.Run(store, signal, AnalyzedAt);
        var writtenBefore = Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories).Max(File.GetLastWriteTimeUtc);
        var second = FileStoreAnalysis.Run(store, signal, AnalyzedAt);

        Assert.That(Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories).Min(File.GetLastWriteTimeUtc), Is.GreaterThan(writtenBefore), "every blob was rewritten");
        AssertSameFiles(second, first, "regenerated in place");
        ReliabilityTier.Report($"determinism, regenerate '{signal}': {first.Count} blob files, {first.Values.Sum(b => b.Length)} bytes, identical");
    }

    [Test]
    public void Regenerate_LaterTime_DiffersOnlyInTimeWrittenAndFooterChecksum()
    {
        var later = AnalyzedAt.AddHours(1);
        var first = FileStoreAnalysis.Run(Path.Combine(_root, "first"), "stereo", AnalyzedAt);
        var second = FileStoreAnalysis.Run(Path.Combine(_root, "later"), "stereo", later);

        Assert.That(second.Keys, Is.EqualTo(first.Keys));
        foreach (var (path, bytes) in first)
        {
            var other = second[path];
            var timeAt = Find(bytes, AnalyzedAt.UtcTicks);
            var differing = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != other[i]).ToArray();
            Assert.Multiple(() =>
            {
                Assert.That(other, Has.Length.EqualTo(bytes.Length), path);
                Assert.That(BinaryPrimitives.ReadInt64LittleEndian(other.AsSpan(timeAt)), Is.EqualTo(later.UtcTicks), $"{path}: time written at byte {timeAt}");
                Assert.That(differing, Has.All.InRange(timeAt, timeAt + 7).Or.InRange(bytes.Length - 8, bytes.Length - 1), $"{path}: only the time written and the footer checksum differ");
            });
        }
    }

    [Test]
    public void Analysis_On1And2And4Threads_WritesTheSameFiles()
    {
        var oneThread = FileStoreAnalysis.Run(Path.Combine(_root, "1"), "stereo", AnalyzedAt, degreeOfParallelism: 1);
        foreach (var threads in new[] { 2, 4 })
        {
            AssertSameFiles(FileStoreAnalysis.Run(Path.Combine(_root, $"{threads}"), "stereo", AnalyzedAt, threads), oneThread, $"{threads} threads");
        }

        ReliabilityTier.Report($"determinism, 1/2/4 analysis threads: {oneThread.Count} blob files identical");
    }

    /// <summary>
    /// The golden signals' blob hashes from a child process on each SIMD path equal this process's: the stereo signal
    /// (every descriptor on every channel) in the fast tier, all five in the long tier (AudioVis.Cache.Tests checks all five
    /// against the committed goldens on every path too). The children run side by side; a path this CPU lacks shows in
    /// the report as the path the child fell back to.
    /// </summary>
    [Test]
    public async Task Analysis_OnEverySimdPath_WritesTheSameBlobsAsThisProcess()
    {
        string[] paths = ["", "DOTNET_EnableAVX512=0", "DOTNET_EnableAVX2=0", "DOTNET_EnableHWIntrinsic=0"];
        string[] signals = ReliabilityTier.IsLong ? AnalyzerGolden.Names : ["stereo"];
        var children = paths.Select(variables => Task.Run(() => FeatureCheckProcess.Run(typeof(DeterminismTests).Assembly, variables, keepInheritedSwitches: false, ["analyzer-golden", .. signals]))).ToArray();
        string[] expected = [.. signals.Select(n => $"{AnalyzerGolden.GoldenPrefix}{n} {AnalyzerGolden.CombinedHash(AnalyzerGolden.BlobHashes(n))}")];

        foreach (var (variables, (exitCode, output)) in paths.Zip(await Task.WhenAll(children)))
        {
            var lines = output.Split('\n').Select(l => l.Trim()).ToArray();
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(lines.Where(l => l.StartsWith(AnalyzerGolden.GoldenPrefix, StringComparison.Ordinal)), Is.EqualTo(expected), $"{variables}: {output}");
            });
            var fft = lines.SingleOrDefault(l => l.StartsWith(DefaultPathPrefix, StringComparison.Ordinal))?[DefaultPathPrefix.Length..];
            ReliabilityTier.Report($"determinism, SIMD {(variables.Length == 0 ? "defaults" : variables)}: child FFT path {fft}; {expected.Length} golden signal(s) × {AnalyzerGolden.AllDescriptors.Count} blobs identical to this process (Vector512 accelerated here: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated})");
        }
    }

    private static void AssertSameFiles(SortedDictionary<string, byte[]> actual, SortedDictionary<string, byte[]> expected, string what)
    {
        Assert.That(actual.Keys, Is.EqualTo(expected.Keys), what);
        Assert.That(actual.Keys.Where(k => !actual[k].AsSpan().SequenceEqual(expected[k])), Is.Empty, $"{what}: files whose bytes differ");
    }

    private static int Find(byte[] bytes, long ticks)
    {
        Span<byte> pattern = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(pattern, ticks);
        var at = bytes.AsSpan().IndexOf(pattern);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "the blob holds its time written");
        return at;
    }
}
