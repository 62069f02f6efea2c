using System.Diagnostics;
using System.Globalization;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
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

    public static int Run(double seconds, int channels)
    {
        var root = Directory.CreateTempSubdirectory("audiovis-memory-").FullName;
        try
        {
            Analyze(Path.Combine(root, "warm-up"), "warm-up", 10, channels);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.WorkingSet64;
            var stopwatch = Stopwatch.StartNew();
            Analyze(Path.Combine(root, "long"), "long", seconds, channels);
            stopwatch.Stop();
            process.Refresh();
            var stored = new DirectoryInfo(Path.Combine(root, "long")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Prefix}seconds={seconds} channels={channels} before={before} peak={process.PeakWorkingSet64} stored={stored} elapsed-ms={stopwatch.ElapsedMilliseconds}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Analyze(string root, string name, double seconds, int channels)
    {
        var store = new FileSystemFeatureStore(root);
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(_ => new GeneratedSource(name, seconds, channels)),
            store,
            new InMemoryCacheMetadataStore(),
            TimeProvider.System,
            CalculatorRegistry.BuiltIn);
        ChannelAlias[] aliases = channels == 1 ? [ChannelAlias.Mono] : [ChannelAlias.Left, ChannelAlias.Right, ChannelAlias.Mid, ChannelAlias.Side];
        var descriptors = AnalyzerGolden.V1Names.SelectMany(n => aliases.Select(a => DescriptorId.Create(n, a))).ToArray();
        analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, name, descriptors), null).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A track computed as it is read (a sine sweep plus seeded noise), so its length costs no memory.</summary>
    private sealed class GeneratedSource(string name, double seconds, int channels) : IAudioSource
    {
        private const int Rate = 48_000;
        private readonly Random _random = new(42);
        private long _position;

        public string Name => name;

        public int SampleRate => Rate;

        public int ChannelCount => channels;

        public long FrameCount { get; } = (long)(seconds * Rate);

        public int Read(Span<float> interleaved)
        {
            var frames = (int)Math.Min(interleaved.Length / channels, FrameCount - _position);
            for (var i = 0; i < frames; i++, _position++)
            {
                var t = _position / (double)Rate;
                var tone = (float)(0.4 * Math.Sin(2 * Math.PI * (220 + (20 * (t % 60))) * t));
                for (var c = 0; c < channels; c++)
                {
                    interleaved[(i * channels) + c] = tone + (0.05f * (_random.NextSingle() - 0.5f));
                }
            }

            return frames * channels;
        }

        public void Rewind()
        {
            _position = 0;
        }

        public void Dispose()
        {
        }
    }
}
