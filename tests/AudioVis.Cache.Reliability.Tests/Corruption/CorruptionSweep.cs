namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>Runs a check over seeded damaged copies of a file and tallies the outcomes it names, per kind of damage.</summary>
internal static class CorruptionSweep
{
    /// <param name="original">The undamaged bytes.</param>
    /// <param name="perKind">How many damaged copies of each kind.</param>
    /// <param name="seed">The sweep's seed (printed).</param>
    /// <param name="check">Asserts what must hold for one damaged copy and names the outcome.</param>
    /// <returns>The report: how many copies had each outcome, per kind of damage.</returns>
    public static async Task<string> RunAsync(byte[] original, int perKind, int seed, Func<Mutation, Task<string>> check)
    {
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var mutation in Mutation.Sweep(original, perKind, ReliabilitySeed.Get(seed)))
        {
            var key = $"{mutation.Kind}→{await check(mutation)}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        return $"{perKind * Mutation.Kinds.Length} damaged copies: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}";
    }
}
