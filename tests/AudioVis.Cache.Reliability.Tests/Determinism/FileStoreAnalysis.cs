using AudioVis.Cache.Analysis;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.Tests.Determinism;

/// <summary>
/// The real analyzer writing a golden signal (every built-in descriptor on every channel) into a file feature store, and
/// the bytes of the files it wrote.
/// </summary>
internal static class FileStoreAnalysis
{
    /// <summary>Analyses <paramref name="signal"/> into the file store at <paramref name="root"/> and returns every file's bytes by relative path.</summary>
    /// <param name="root">The store's folder (an existing store is regenerated in place).</param>
    /// <param name="signal">An <see cref="AnalyzerGolden.Names"/> entry.</param>
    /// <param name="analyzedAt">The clock's time: the blobs' time written.</param>
    /// <param name="degreeOfParallelism">What <c>AudioVisCacheOptions.AnalysisDegreeOfParallelism</c> gives the analyzer.</param>
    public static SortedDictionary<string, byte[]> Run(string root, string signal, DateTimeOffset analyzedAt, int degreeOfParallelism = 1)
    {
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source),
            new FileSystemFeatureStore(root),
            new InMemoryCacheMetadataStore(),
            new AnalyzerGolden.FixedTimeProvider(analyzedAt),
            CalculatorRegistry.BuiltIn,
            AnalysisMemory.DefaultBudgetBytes,
            degreeOfParallelism);
        var request = new AnalysisRequest(AnalysisProfile.Default, signal, [.. AnalyzerGolden.AllDescriptors]);
        var records = analyzer.AnalyzeAsync(request, null).AsTask().GetAwaiter().GetResult();
        Assert.That(records, Has.Count.EqualTo(AnalyzerGolden.AllDescriptors.Count), "every descriptor was written");
        return Files(root);
    }

    /// <summary>Every file under <paramref name="root"/>, by path relative to it, ordinal order.</summary>
    public static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes), StringComparer.Ordinal);
}
