using System.Diagnostics;
using System.Globalization;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>
/// Measures an analysis's memory in this (child) process: a generated track of a given length, analysed with all 14 v1
/// descriptors on every channel asked for into a <see cref="FileSystemFeatureStore"/> in a temporary folder, after a short
/// warm-up analysis (so JIT and pools are in place). Prints the working set before and the peak working set after.
/// </summary>
internal static class AnalyzerMemory
{
    /// <summary>The line prefix the test reads the measurements from.</summary>
    public const string Prefix = "analyzer-memory: ";

    /// <summary>The line prefix of <see cref="RunCancellation"/>'s measurements.</summary>
    public const string CancelPrefix = "analyzer-cancel: ";

    public static int Run(double seconds, int channels, int degreeOfParallelism = 1)
    {
        var root = Directory.CreateTempSubdirectory("audiovis-memory-").FullName;
        try
        {
            Analyze(Path.Combine(root, "warm-up"), "warm-up", 10, channels, degreeOfParallelism);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.WorkingSet64;
            var stopwatch = Stopwatch.StartNew();
            Analyze(Path.Combine(root, "long"), "long", seconds, channels, degreeOfParallelism);
            stopwatch.Stop();
            process.Refresh();
            var stored = new DirectoryInfo(Path.Combine(root, "long")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Prefix}seconds={seconds} channels={channels} threads={degreeOfParallelism} before={before} peak={process.PeakWorkingSet64} stored={stored} elapsed-ms={stopwatch.ElapsedMilliseconds}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Measures how long a cancelled analysis takes to stop: for each of <paramref name="points"/> seeded random points of
    /// a generated track, an analysis into a file store is cancelled once its progress passes the point, and the time
    /// from <c>Cancel()</c> to the <see cref="OperationCanceledException"/> (computing has stopped; stop-ms) and to the
    /// analyzer's disposal returning (every temporary file deleted in the background; cleanup-ms) is printed, with the
    /// files left in the store after the disposal (none expected).
    /// </summary>
    public static int RunCancellation(double seconds, int channels, int points)
    {
        var root = Directory.CreateTempSubdirectory("audiovis-cancel-").FullName;
        try
        {
            var random = new Random(7);
            for (var i = 0; i < points; i++)
            {
                var at = 0.02 + (0.96 * random.NextDouble());
                var folder = Path.Combine(root, i.ToString(CultureInfo.InvariantCulture));
                using var cancellation = new CancellationTokenSource();
                var cancelledAt = 0L;
                var progress = new SynchronousProgress(p =>
                {
                    if (p.Fraction >= at && cancelledAt == 0)
                    {
                        cancelledAt = Stopwatch.GetTimestamp();
                        cancellation.Cancel();
                    }
                });
                var outcome = "completed";
                var analyzer = CreateAnalyzer(new FileSystemFeatureStore(folder), "long", seconds, channels, 1);
                try
                {
                    Analyze(analyzer, "long", channels, progress, cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    outcome = "cancelled";
                }

                var stopped = Stopwatch.GetElapsedTime(cancelledAt);
                analyzer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                var cleaned = Stopwatch.GetElapsedTime(cancelledAt);
                var left = Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length : 0;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{CancelPrefix}seconds={seconds} channels={channels} at={at:F3} outcome={outcome} stop-ms={stopped.TotalMilliseconds:F1} cleanup-ms={cleaned.TotalMilliseconds:F1} files-left={left}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Analyze(string root, string name, double seconds, int channels, int degreeOfParallelism)
    {
        using var analyzer = CreateAnalyzer(new FileSystemFeatureStore(root), name, seconds, channels, degreeOfParallelism);
        Analyze(analyzer, name, channels, null, CancellationToken.None);
    }

    private static AudioAnalyzer CreateAnalyzer(IFeatureStore store, string name, double seconds, int channels, int degreeOfParallelism) => new(
        new AnalyzerGolden.DelegateTrackAudioResolver(_ => new GeneratedSource(name, seconds, channels)),
        store,
        new InMemoryCacheMetadataStore(),
        TimeProvider.System,
        CalculatorRegistry.BuiltIn,
        AnalysisMemory.DefaultBudgetBytes,
        degreeOfParallelism);

    private static void Analyze(AudioAnalyzer analyzer, string name, int channels, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken)
    {
        ChannelAlias[] aliases = channels == 1 ? [ChannelAlias.Mono] : [ChannelAlias.Left, ChannelAlias.Right, ChannelAlias.Mid, ChannelAlias.Side];
        var descriptors = AnalyzerGolden.V1Names.SelectMany(n => aliases.Select(a => DescriptorId.Create(n, a))).ToArray();
        analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, name, descriptors), progress, cancellationToken).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Reports on the analyzing thread (Progress&lt;T&gt; would post to the pool and cancel late).</summary>
    private sealed class SynchronousProgress(Action<AnalysisProgress> report) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value) => report(value);
    }
}
