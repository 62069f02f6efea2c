using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Tests.TestSupport;

/// <summary>Builds cache metadata records for tests.</summary>
internal static class Records
{
    public static readonly DateTimeOffset AnalyzedAt = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public const string Source = "pcm-sha256:aaaa";

    /// <summary>A record that is current for <paramref name="profile"/> with the catalogue's calculator.</summary>
    public static CacheMetadataRecord Current(CacheKey key, string descriptor, AnalysisProfile profile) =>
        Make(key, descriptor, profile.Parameters);

    public static CacheMetadataRecord Make(
        CacheKey key,
        string descriptor,
        AnalysisParameters parameters,
        string source = Source,
        int? calculatorVersion = null,
        string? calculatorId = null,
        bool parametersKnown = true)
    {
        var id = DescriptorId.Parse(descriptor);
        var definition = DescriptorCatalog.Default.TryGetDefinition(id, out var d) ? d : null;
        return new CacheMetadataRecord(
            key,
            id,
            ProfileRevisionHash.Compute(parameters),
            parametersKnown ? parameters : null,
            source,
            calculatorId ?? definition?.CalculatorId ?? "custom",
            calculatorVersion ?? definition?.CalculatorVersion ?? 1,
            AnalyzedAt);
    }
}
