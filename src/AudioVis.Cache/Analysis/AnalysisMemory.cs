namespace AudioVis.Cache.Analysis;

/// <summary>The memory budget of one analysis (<see cref="DependencyInjection.AudioVisCacheOptions.AnalysisMemoryBudgetBytes"/>).</summary>
internal static class AnalysisMemory
{
    /// <summary>The default budget: 128 MiB.</summary>
    public const long DefaultBudgetBytes = 128L * 1024 * 1024;

    /// <summary>The smallest budget accepted: 1 MiB.</summary>
    public const long MinBudgetBytes = 1024L * 1024;
}
