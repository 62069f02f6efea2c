namespace AudioVis.Cache.Reliability.Tests;

/// <summary>The seed of a randomised test: AUDIOVIS_RELIABILITY_SEED when set (to replay a run), else the fallback; always printed.</summary>
internal static class ReliabilitySeed
{
    public const string Variable = "AUDIOVIS_RELIABILITY_SEED";

    public static int Get(int fallback)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(Variable), out var given) ? given : fallback;
        TestContext.Out.WriteLine($"seed {seed} ({Variable} replays it)");
        return seed;
    }
}
