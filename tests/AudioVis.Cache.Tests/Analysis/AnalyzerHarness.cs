using System.Security.Cryptography;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.Time.Testing;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>An analyzer over in-memory stores whose metadata store checks that every record's blob is already stored.</summary>
internal sealed class AnalyzerHarness
{
    public AnalyzerHarness(Func<string, IAudioSource>? open = null, ITrackAudioResolver? resolver = null)
    {
        Resolver = new AnalyzerGolden.DelegateTrackAudioResolver(open ?? AnalyzerGolden.Source);
        Metadata = new BlobCheckingMetadataStore(Features);
        Analyzer = new AudioAnalyzer(resolver ?? Resolver, Features, Metadata, Time, CalculatorRegistry.BuiltIn);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero));

    public InMemoryFeatureStore Features { get; } = new();

    public BlobCheckingMetadataStore Metadata { get; }

    public AnalyzerGolden.DelegateTrackAudioResolver Resolver { get; }

    public AudioAnalyzer Analyzer { get; }

    /// <summary>Every stored blob (as its SHA-256) and record of the given keys, as comparable lines.</summary>
    public async Task<IReadOnlyList<string>> SnapshotAsync(params CacheKey[] keys)
    {
        var lines = new List<string>();
        foreach (var key in keys)
        {
            foreach (var descriptor in await Features.ListAsync(key))
            {
                lines.Add($"blob {key} {descriptor} {Convert.ToHexStringLower(SHA256.HashData(Features.GetStoredBytes(key, descriptor)!))}");
            }

            foreach (var record in await Metadata.GetRecordsAsync(key))
            {
                lines.Add($"record {record}");
            }
        }

        return lines;
    }

    /// <summary>Checks on every upsert that each record's blob is already readable from the feature store.</summary>
    internal sealed class BlobCheckingMetadataStore(IFeatureStore features) : ICacheMetadataStore
    {
        private readonly InMemoryCacheMetadataStore _inner = new();

        public List<string> Violations { get; } = [];

        public int UpsertCount { get; private set; }

        public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            _inner.GetRecordsAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => _inner.GetKeysAsync(cancellationToken);

        public async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
        {
            UpsertCount++;
            foreach (var record in records)
            {
                var blob = await features.ReadAsync(key, record.Descriptor, cancellationToken);
                if (blob is null || blob.Header.SourceContentHash != record.SourceContentHash)
                {
                    lock (Violations)
                    {
                        Violations.Add($"record {record.Descriptor} upserted before its blob");
                    }
                }
            }

            await _inner.UpsertAsync(key, records, cancellationToken);
        }

        public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<DescriptorId> descriptors, CancellationToken cancellationToken = default) =>
            _inner.RemoveAsync(key, descriptors, cancellationToken);
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports synchronously on the analysing thread.</summary>
    internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
