using System.Diagnostics;
using System.Reflection;
using AudioVis.Cache.Analysis.Fft;

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

    private static (int ExitCode, string Output) RunFeatureCheck(string variables)
    {
        var path = typeof(FftKernelTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FeatureCheckPath").Value!;
        Assert.That(File.Exists(path), Is.True, $"FeatureCheck not built at {path}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);

        // Inherited DOTNET_Enable* settings stay: they limit this process and the child alike, so the expected path
        // (the narrower of the cap and this process's choice) still holds.
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
