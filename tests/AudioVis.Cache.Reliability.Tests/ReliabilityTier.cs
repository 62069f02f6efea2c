using System.Globalization;

namespace AudioVis.Cache.Reliability.Tests;

/// <summary>
/// The suite's two tiers. CI runs the fast tier; the long tier runs with the environment variable
/// <c>AUDIOVIS_RELIABILITY_TIER=long</c> (docs/reliability.md records its figures).
/// </summary>
internal static class ReliabilityTier
{
    /// <summary>The environment variable that selects the tier.</summary>
    public const string Variable = "AUDIOVIS_RELIABILITY_TIER";

    /// <summary>True when the long tier was asked for.</summary>
    public static bool IsLong { get; } = string.Equals(Environment.GetEnvironmentVariable(Variable), "long", StringComparison.OrdinalIgnoreCase);

    /// <summary>The tier's name, for test output.</summary>
    public static string Name => IsLong ? "long" : "fast";

    /// <summary>The count for the current tier.</summary>
    public static int Pick(int fast, int @long) => IsLong ? @long : fast;

    /// <summary>Writes one line the docs can quote: the tier, the test's counts and what it saw.</summary>
    public static void Report(FormattableString line) =>
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name} tier] ") + line.ToString(CultureInfo.InvariantCulture));
}
