using AudioVis.Cache.Analysis.Fft;
using AudioVis.Cache.FeatureCheck;

namespace AudioVis.Cache.Tests.Analysis.Fft;

/// <summary>
/// Runs AudioVis.Cache.FeatureCheck in a child process with SIMD switched off through DOTNET_Enable* variables,
/// so the dispatcher's choice and every path's numerics are checked on each instruction-set level.
/// </summary>
[TestFixture]
public sealed class FftKernelTests
{
    private const string DefaultPathPrefix = "default-path: ";

    // Variables to set and the widest path they leave. .NET 10 reads DOTNET_EnableAVX512; DOTNET_EnableAVX512F is the
    // older name, set as well so the check keeps its meaning on either runtime.
    private static IEnumerable<TestCaseData> Environments()
    {
        yield return new TestCaseData(string.Empty, FftKernelPath.Vector512.ToString()).SetArgDisplayNames("defaults");
        yield return new TestCaseData("DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0", FftKernelPath.Vector256.ToString()).SetArgDisplayNames("AVX512 off");
        yield return new TestCaseData("DOTNET_EnableAVX2=0", FftKernelPath.Vector128.ToString()).SetArgDisplayNames("AVX2 off");
        yield return new TestCaseData("DOTNET_EnableHWIntrinsic=0", FftKernelPath.Scalar.ToString()).SetArgDisplayNames("HWIntrinsic off");
    }

    [Test]
    public void IsSupported_Scalar_IsAlwaysTrue() => Assert.That(FftKernel.IsSupported(FftKernelPath.Scalar), Is.True);

    [Test]
    public void DetectPath_InThisProcess_IsAnAcceleratedPath() =>
        Assert.That(FftKernel.IsSupported(FftKernel.DetectPath()), Is.True);

    [TestCaseSource(nameof(Environments))]
    public void DetectPath_WithSimdSwitchedOffInChildProcess_PicksWidestRemainingPathAndPassesNumericChecks(string variables, string widestName)
    {
        // The child can pick nothing wider than this process does (e.g. no AVX-512 on this machine).
        var cap = Enum.Parse<FftKernelPath>(widestName);
        var expected = (FftKernelPath)Math.Min((int)cap, (int)FftKernel.DetectPath());

        var (exitCode, output) = RunFeatureCheck(variables);

        var defaultLine = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(DefaultPathPrefix, StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(defaultLine, Is.EqualTo(DefaultPathPrefix + expected), output);
            Assert.That(output, Does.Contain("result: ok"));
        });
    }

    // Inherited DOTNET_Enable* settings stay: they limit this process and the child alike, so the expected path
    // (the narrower of the cap and this process's choice) still holds.
    private static (int ExitCode, string Output) RunFeatureCheck(string variables) =>
        FeatureCheckProcess.Run(typeof(FftKernelTests).Assembly, variables, keepInheritedSwitches: true);
}
