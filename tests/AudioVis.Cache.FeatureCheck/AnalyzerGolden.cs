using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.FeatureCheck;

/// <summary>
/// The generated signals of the analyzer's golden test and the hash of every blob the analyzer writes for them.
/// Compiled into the test project as well (linked), so the test and the SIMD-off child process hash the same thing.
/// </summary>
internal static class AnalyzerGolden
{
    public const int SampleRate = 44_100;

    // 1.5 s: 126 frames of the default profile (N = 2048, hop = 512).
    public const int Frames = 66_150;

    public const string GoldenPrefix = "golden ";

    public const string ReductionsPrefix = "reductions ";

    /// <summary>The line prefix of <see cref="ResamplerHash"/> in the child process's output.</summary>
    public const string ResamplerPrefix = "resampler ";

    public static readonly string[] Names = ["sine", "sweep", "noise", "clicks", "stereo"];

    /// <summary>
    /// The time every golden analysis finishes at. Blobs carry it (format v2, <c>WrittenAt</c>), so the golden hashes hold
    /// only because the clock is fixed: the test and every child process on every SIMD path use this time.
    /// </summary>
    public static readonly DateTimeOffset AnalyzedAt = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    public static string[] V1Names { get; } =
    [
        "spectrum", "spectrum.db", "spectrum.bands32", "rms", "peak", "zcr", "waveform.minmax", "spectral.centroid",
        "spectral.rolloff", "spectral.flux", "spectral.flatness", "onset.strength", "chroma", "mfcc",
    ];

    /// <summary>Every v1 descriptor (spectrum.bands32 for the bands family), on the default channel and on L, R, mid and side.</summary>
    public static IReadOnlyList<DescriptorId> AllDescriptors { get; } = BuildDescriptors();

    /// <summary>Interleaved samples and channel count of a named signal.</summary>
    public static (float[] Samples, int Channels) Signal(string name)
    {
        switch (name)
        {
            case "sine":
                return (Generate(n => 0.5 * Math.Sin(2.0 * Math.PI * 1000.0 * n / SampleRate)), 1);
            case "sweep":
                {
                    // Logarithmic sweep 20 Hz → 20 kHz over the signal: phase = 2π·f0·T/ln(f1/f0)·(e^{t·ln(f1/f0)/T} − 1).
                    var duration = (double)Frames / SampleRate;
                    var rate = Math.Log(20_000.0 / 20.0);
                    return (Generate(n => 0.5 * Math.Sin(2.0 * Math.PI * 20.0 * duration / rate * (Math.Exp(n / (double)SampleRate * rate / duration) - 1.0))), 1);
                }

            case "noise":
                {
                    var random = new Random(12345);
                    return (Generate(_ => random.NextDouble() - 0.5), 1);
                }

            case "clicks":
                return (Generate(n => n % 11_025 == 100 ? 0.9 : 0.0), 1);
            case "stereo":
                {
                    var random = new Random(54321);
                    var samples = new float[Frames * 2];
                    for (var n = 0; n < Frames; n++)
                    {
                        samples[2 * n] = (float)(0.5 * Math.Sin(2.0 * Math.PI * 440.0 * n / SampleRate));
                        samples[(2 * n) + 1] = (float)(0.25 * (random.NextDouble() - 0.5));
                    }

                    return (samples, 2);
                }

            default:
                throw new ArgumentException($"Unknown signal '{name}'.", nameof(name));
        }
    }

    public static IAudioSource Source(string name)
    {
        var (samples, channels) = Signal(name);
        return AudioSources.FromPcm(name, SampleRate, channels, samples);
    }

    /// <summary>Analyses a signal with every descriptor and returns each blob's SHA-256 (of the bytes the store holds), in descriptor order.</summary>
    public static IReadOnlyList<(DescriptorId Descriptor, string Hash)> BlobHashes(string name, Func<string, IAudioSource>? open = null) =>
        BlobHashes(name, AnalysisProfile.Default, open);

    /// <summary>Analyses a signal with every descriptor under a profile and returns each blob's SHA-256, in descriptor order.</summary>
    public static IReadOnlyList<(DescriptorId Descriptor, string Hash)> BlobHashes(string name, AnalysisProfile profile, Func<string, IAudioSource>? open = null) =>
        BlobHashes(name, profile, open, (features, key, descriptor) => features.GetStoredBytes(key, descriptor)!);

    /// <summary>As <see cref="BlobHashes(string, Func{string, IAudioSource}?)"/>, on up to <paramref name="degreeOfParallelism"/> threads with the given memory budget.</summary>
    public static IReadOnlyList<(DescriptorId Descriptor, string Hash)> BlobHashes(string name, int degreeOfParallelism, long memoryBudgetBytes) =>
        BlobHashes(name, AnalysisProfile.Default, null, (features, key, descriptor) => features.GetStoredBytes(key, descriptor)!, degreeOfParallelism, memoryBudgetBytes);

    /// <summary>
    /// Analyses a signal with every descriptor and returns the SHA-256 of each blob encoded in format version 2, the format
    /// the goldens were first computed in: equal to those goldens exactly when the values and headers are unchanged.
    /// </summary>
    public static IReadOnlyList<(DescriptorId Descriptor, string Hash)> BlobV2Hashes(string name) =>
        BlobHashes(name, AnalysisProfile.Default, null, (features, key, descriptor) =>
            FeatureBlobFormat.EncodeV2Async(features.ReadAsync(key, descriptor).AsTask().GetAwaiter().GetResult()!, CancellationToken.None).AsTask().GetAwaiter().GetResult());

    private static IReadOnlyList<(DescriptorId Descriptor, string Hash)> BlobHashes(
        string name,
        AnalysisProfile profile,
        Func<string, IAudioSource>? open,
        Func<InMemoryFeatureStore, CacheKey, DescriptorId, byte[]> bytesOf,
        int degreeOfParallelism = 1,
        long memoryBudgetBytes = AnalysisMemory.DefaultBudgetBytes)
    {
        var features = new InMemoryFeatureStore();
        var analyzer = new AudioAnalyzer(
            new DelegateTrackAudioResolver(open ?? Source),
            features,
            new InMemoryCacheMetadataStore(),
            new FixedTimeProvider(AnalyzedAt),
            CalculatorRegistry.BuiltIn,
            memoryBudgetBytes,
            degreeOfParallelism);
        var request = new AnalysisRequest(profile, name, [.. AllDescriptors]);
        analyzer.AnalyzeAsync(request, null).AsTask().GetAwaiter().GetResult();
        return [.. request.Descriptors.Select(d => (d, Convert.ToHexStringLower(SHA256.HashData(bytesOf(features, request.Key, d)))))];
    }

    /// <summary>One hash over every blob hash of a signal: SHA-256 of the lines <c>descriptor=blob-hash</c>.</summary>
    public static string CombinedHash(IReadOnlyList<(DescriptorId Descriptor, string Hash)> blobHashes)
    {
        var text = new StringBuilder();
        foreach (var (descriptor, hash) in blobHashes)
        {
            text.Append(descriptor.ToString()).Append('=').Append(hash).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// A hash of the resampler's output bits (seeded stereo noise, 1 s, from 48 and 96 kHz down to 44.1 kHz and from
    /// 22.05 kHz up) and of every blob of the stereo golden signal analysed at a TargetSampleRate of 48 and 22.05 kHz, so a
    /// child process on another SIMD path can be compared with this one.
    /// </summary>
    public static string ResamplerHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (from, to) in new[] { (48_000, 44_100), (96_000, 44_100), (22_050, 44_100) })
        {
            var random = new Random(from);
            var input = new float[from * 2];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (random.NextSingle() * 2) - 1;
            }

            using var source = new ResamplingAudioSource(AudioSources.FromPcm("noise", from, 2, input), to, null);
            var output = new float[source.FrameCount * 2];
            var done = 0;
            int read;
            while (done < output.Length && (read = source.Read(output.AsSpan(done, Math.Min(8192, output.Length - done)))) > 0)
            {
                done += read;
            }

            hash.AppendData(MemoryMarshal.AsBytes(output.AsSpan()));
        }

        foreach (var target in new[] { 48_000, 22_050 })
        {
            var profile = new AnalysisProfile("resampled", AnalysisParameters.Default with { TargetSampleRate = target });
            hash.AppendData(Encoding.UTF8.GetBytes(CombinedHash(BlobHashes("stereo", profile))));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// A hash of the bits of every kernel whose order must not depend on the SIMD path — the float reductions and the
    /// float log — over seeded data of many lengths, so a child process on another path can be compared with this one.
    /// </summary>
    public static string ReductionsHash()
    {
        var random = new Random(2026);
        var bits = new List<float>();
        int[] lengths = [.. Enumerable.Range(0, 70), 127, 128, 129, 1025, 2048];
        foreach (var length in lengths)
        {
            var x = new float[length];
            var y = new float[length];
            for (var i = 0; i < length; i++)
            {
                x[i] = MathF.ScaleB(random.NextSingle(), random.Next(-20, 20));
                y[i] = MathF.ScaleB(random.NextSingle() - 0.5f, random.Next(-20, 20));
            }

            bits.Add(FloatReductions.Sum(x));
            bits.Add(FloatReductions.Dot(x, y));
            bits.Add(FloatReductions.SumOfSquaredDifferences(x, y));
            bits.Add(FloatReductions.SumOfRises(x, y));
            var logs = new float[length];
            FastLog.ScaledLn(x, FastLog.MinNormal, 4.3429448f, logs);
            bits.AddRange(logs);
        }

        const int Stride = 1040;
        var matrix = new float[13 * Stride];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = random.NextSingle();
        }

        foreach (var length in new[] { 5, 40, 100, 1025 })
        {
            var x = new float[length];
            for (var i = 0; i < length; i++)
            {
                x[i] = random.NextSingle();
            }

            var results = new float[13];
            FloatReductions.Dots(matrix, Stride, x, results);
            bits.AddRange(results);
            var blocks = Enumerable.Range(0, length / FloatReductions.Lanes).ToArray();
            FloatReductions.FourSparseDots(matrix, Stride, x, [.. blocks.Where(b => b % 2 == 0)], [.. blocks.Where(b => b % 2 == 1)], results.AsSpan(0, 4));
            bits.AddRange(results.AsSpan(0, 4).ToArray());
        }

        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits.ToArray().AsSpan());
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static float[] Generate(Func<int, double> sample)
    {
        var samples = new float[Frames];
        for (var n = 0; n < Frames; n++)
        {
            samples[n] = (float)sample(n);
        }

        return samples;
    }

    private static DescriptorId[] BuildDescriptors()
    {
        ChannelAlias[] channels = [ChannelAlias.Mono, ChannelAlias.Left, ChannelAlias.Right, ChannelAlias.Mid, ChannelAlias.Side];
        return [.. V1Names.SelectMany(name => channels.Select(channel => DescriptorId.Create(name, channel)))];
    }

    /// <summary>A clock that always reads the same time.</summary>
    internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Resolves every track reference with a delegate (generated audio).</summary>
    internal sealed class DelegateTrackAudioResolver(Func<string, IAudioSource> open) : ITrackAudioResolver
    {
        private int _openCount;

        public int OpenCount => Volatile.Read(ref _openCount);

        public IAudioSource Open(string trackRef)
        {
            Interlocked.Increment(ref _openCount);
            return open(trackRef);
        }

        public string? GetChangeToken(string trackRef) => null;
    }
}
