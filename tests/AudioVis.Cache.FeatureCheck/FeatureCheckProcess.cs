using System.Diagnostics;
using System.Reflection;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>
/// Runs the built FeatureCheck tool as a child process with DOTNET_Enable* variables, so a test can force SIMD paths off.
/// Compiled into the test projects (linked); a test project names the tool's path in an assembly metadata attribute
/// <c>FeatureCheckPath</c>.
/// </summary>
internal static class FeatureCheckProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs the tool and returns its exit code and output (standard output, then standard error).</summary>
    /// <param name="testAssembly">The test assembly whose <c>FeatureCheckPath</c> metadata names the tool.</param>
    /// <param name="variables">Assignments <c>A=0;B=0</c> for the child's environment.</param>
    /// <param name="keepInheritedSwitches">Whether DOTNET_Enable* variables this process inherited reach the child too.</param>
    /// <param name="arguments">The tool's arguments.</param>
    /// <exception cref="FileNotFoundException">The tool is not built.</exception>
    /// <exception cref="TimeoutException">The tool did not finish within two minutes (it is killed).</exception>
    public static (int ExitCode, string Output) Run(Assembly testAssembly, string variables, bool keepInheritedSwitches, params string[] arguments)
    {
        var path = testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FeatureCheckPath").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"FeatureCheck not built at {path}", path);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in keepInheritedSwitches ? [] : start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)).ToList())
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
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException($"FeatureCheck did not finish within {Timeout.TotalMinutes} minutes.");
        }

        return (process.ExitCode, output + error.Result);
    }
}
