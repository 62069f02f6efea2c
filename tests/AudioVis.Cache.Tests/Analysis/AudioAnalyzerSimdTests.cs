using AudioVis.Cache.FeatureCheck;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>
/// Runs the analyzer golden signals in a child process (AudioVis.Cache.FeatureCheck <c>analyzer-golden</c>) with SIMD
/// switched off step by step, and checks every path writes the same blob bytes as the golden hashes, and gives the same
/// bits as this process from the float reductions and the float log on their own, and from the resampler.
/// </summary>
public sealed class AudioAnalyzerSimdTests
{
    private static IEnumerable<TestCaseData> Environments()
    {
        yield return new TestCaseData(string.Empty).SetArgDisplayNames("defaults");
        yield return new TestCaseData("DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0").SetArgDisplayNames("AVX512 off");
        yield return new TestCaseData("DOTNET_EnableAVX2=0").SetArgDisplayNames("AVX2 off");
        yield return new TestCaseData("DOTNET_EnableHWIntrinsic=0").SetArgDisplayNames("HWIntrinsic off");
    }

    [TestCaseSource(nameof(Environments))]
    public void AnalyzerGolden_WithSimdSwitchedOffInChildProcess_WritesTheGoldenBlobs(string variables)
    {
        var (exitCode, output) = RunFeatureCheck(variables);

        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(AnalyzerGolden.GoldenPrefix, StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(lines, Is.EqualTo(AnalyzerGolden.Names.Select(n => $"{AnalyzerGolden.GoldenPrefix}{n} {AudioAnalyzerTests.Golden[n]}")), output);
        });
    }

    [TestCaseSource(nameof(Environments))]
    public void ReductionsAndLog_WithSimdSwitchedOffInChildProcess_GiveTheSameBitsAsThisProcess(string variables)
    {
        var expected = AnalyzerGolden.ReductionsPrefix + AnalyzerGolden.ReductionsHash();

        var (exitCode, output) = RunFeatureCheck(variables);

        var line = output.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith(AnalyzerGolden.ReductionsPrefix, StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(line, Is.EqualTo(expected), output);
        });
    }

    // AnalyzerGolden.ResamplerHash on the Vector512 and the scalar path (DOTNET_EnableHWIntrinsic=0), NAudio.Core 3.3.0,
    // 384 taps × 256 phases. A change means resampled audio (or blobs analysed from it) changed: bump
    // ResamplingAudioSource's revision if we caused it, so the entries computed before go stale. Recomputed for blob format
    // version 3 (issue #10), which changed the blob bytes it hashes but not their values (AudioAnalyzerTests.GoldenV2).
    private const string ResamplerGolden = "a71556dce560fa9b9230b009c100acfb65af54d167aa958d33b16e671d6d2747";

    [Test]
    public void ResamplerHash_InThisProcess_IsTheGoldenHash() => Assert.That(AnalyzerGolden.ResamplerHash(), Is.EqualTo(ResamplerGolden));

    [TestCaseSource(nameof(Environments))]
    public void Resampler_WithSimdSwitchedOffInChildProcess_GivesTheSameBitsAsThisProcess(string variables)
    {
        const string expected = AnalyzerGolden.ResamplerPrefix + ResamplerGolden;

        var (exitCode, output) = RunFeatureCheck(variables);

        var line = output.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith(AnalyzerGolden.ResamplerPrefix, StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(line, Is.EqualTo(expected), output);
        });
    }

    /// <summary>Runs AudioVis.Cache.FeatureCheck with the given DOTNET_Enable* variables (<c>A=0;B=0</c>) and arguments.</summary>
    internal static (int ExitCode, string Output) RunFeatureCheck(string variables, params string[] arguments) =>
        FeatureCheckProcess.Run(typeof(AudioAnalyzerSimdTests).Assembly, variables, keepInheritedSwitches: false, arguments is [] ? ["analyzer-golden"] : arguments);
}
