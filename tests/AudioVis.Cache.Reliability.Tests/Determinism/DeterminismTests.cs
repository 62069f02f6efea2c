using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
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
        var second = FileStoreAnalysis.Run(store, signal, AnalyzedAt);

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

    private static IEnumerable<TestCaseData> SimdPaths()
    {
        yield return new TestCaseData(string.Empty).SetArgDisplayNames("defaults");
        yield return new TestCaseData("DOTNET_EnableAVX512=0").SetArgDisplayNames("AVX512 off");
        yield return new TestCaseData("DOTNET_EnableAVX2=0").SetArgDisplayNames("AVX2 off");
        yield return new TestCaseData("DOTNET_EnableHWIntrinsic=0").SetArgDisplayNames("HWIntrinsic off");
    }

    /// <summary>Every golden signal's blob hashes from a child process on one SIMD path equal this process's.</summary>
    [TestCaseSource(nameof(SimdPaths))]
    public void Analysis_OnEachSimdPath_WritesTheSameBlobsAsThisProcess(string variables)
    {
        string[] expected = [.. AnalyzerGolden.Names.Select(n => $"{AnalyzerGolden.GoldenPrefix}{n} {AnalyzerGolden.CombinedHash(AnalyzerGolden.BlobHashes(n))}")];

        var (exitCode, output) = RunFeatureCheck(variables);

        var lines = output.Split('\n').Select(l => l.Trim()).ToArray();
        var path = lines.SingleOrDefault(l => l.StartsWith("default-path: ", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(lines.Where(l => l.StartsWith(AnalyzerGolden.GoldenPrefix, StringComparison.Ordinal)), Is.EqualTo(expected), output);
        });
        ReliabilityTier.Report($"determinism, SIMD '{(variables.Length == 0 ? "defaults" : variables)}': child FFT {path}; {expected.Length} golden signals × {AnalyzerGolden.AllDescriptors.Count} blobs identical to this process ({Environment.ProcessorCount} cores, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated})");
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

    /// <summary>Runs AudioVis.Cache.FeatureCheck <c>analyzer-golden</c> with the given DOTNET_Enable* variables (<c>A=0;B=0</c>).</summary>
    private static (int ExitCode, string Output) RunFeatureCheck(string variables)
    {
        var path = typeof(DeterminismTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FeatureCheckPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"FeatureCheck not built at {path}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("analyzer-golden");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var assignment in variables.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = assignment.Split('=');
            start.Environment[parts[0]] = parts[1];
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            Assert.Fail("FeatureCheck did not finish within two minutes.");
        }

        return (process.ExitCode, output + error.Result);
    }
}
