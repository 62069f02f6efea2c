using System.Globalization;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The analyzer of docs/analyzer.md: checks the request, opens the track, decodes it once while hashing it, resamples it
/// when the profile's <c>TargetSampleRate</c> differs from the track's (<see cref="ResamplingAudioSource"/>), runs one
/// STFT per distinct channel feeding every computer of that channel, streams every output to its blob writer
/// (<see cref="IFeatureStore.BeginWriteAsync"/>) in frame chunks while the STFT advances, then commits every blob durably and
/// only then the metadata records (through <see cref="FeatureCacheWriter"/>).
/// </summary>
/// <remarks>
/// One analysis runs on the calling thread; every call has its own plan, buffers and computers, so concurrent calls are safe.
/// The output buffers take at most a quarter of the memory budget (<see cref="AnalysisMemory"/>) and come from the shared
/// array pool; a file store holds about 64 KiB per blob being written, so memory does not grow with the track's length.
/// A failed analysis disposes every writer before it throws, so no temporary file is left and no blob is replaced. A
/// cancelled one throws as soon as it stops computing and disposes its writers in the background (deleting a long
/// track's temporary files can take seconds); <see cref="DisposeAsync"/> waits for them.
/// </remarks>
internal sealed class AudioAnalyzer : IAudioAnalyzer, IAsyncDisposable, IDisposable
{
    private readonly DiscardedWriters _discarded = new();
    private readonly ITrackAudioResolver _resolver;
    private readonly IFeatureStore _features;
    private readonly ICacheMetadataStore _metadata;
    private readonly TimeProvider _timeProvider;
    private readonly CalculatorRegistry _registry;
    private readonly long _memoryBudgetBytes;
    private readonly int _degreeOfParallelism;

    public AudioAnalyzer(
        ITrackAudioResolver resolver,
        IFeatureStore features,
        ICacheMetadataStore metadata,
        TimeProvider timeProvider,
        CalculatorRegistry registry,
        long memoryBudgetBytes = AnalysisMemory.DefaultBudgetBytes,
        int degreeOfParallelism = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(registry);
        _resolver = resolver;
        _features = features;
        _metadata = metadata;
        _timeProvider = timeProvider;
        _registry = registry;
        _memoryBudgetBytes = memoryBudgetBytes;
        _degreeOfParallelism = degreeOfParallelism;
    }

    /// <summary>Waits until the writers of cancelled analyses are discarded, so no temporary file is left behind.</summary>
    /// <returns>A task that completes when they are.</returns>
    public ValueTask DisposeAsync() => _discarded.DisposeAsync();

    /// <summary>Waits (blocking) until the writers of cancelled analyses are discarded; for containers disposed synchronously.</summary>
    public void Dispose() => _discarded.WhenDiscardedAsync().GetAwaiter().GetResult();

    /// <summary>Returns a task that completes once the writers of every analysis cancelled so far are discarded.</summary>
    internal Task WhenDiscardedAsync() => _discarded.WhenDiscardedAsync();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var store = progress is null ? _features : new ReportingFeatureStore(_features, progress);
        var descriptors = request.Descriptors;
        var calculators = new IDescriptorCalculator[descriptors.Count];
        for (var i = 0; i < descriptors.Count; i++)
        {
            calculators[i] = _registry.TryGetCalculator(descriptors[i], out var calculator)
                ? calculator
                : throw new UnknownDescriptorException(request.Key, descriptors[i]);
        }

        var parameters = request.Profile.Parameters;
        using var decoded = _resolver.Open(request.Key.TrackRef);

        // The content hash is of the audio as decoded, before any resampling, so it identifies the track whatever the
        // profile; when resampling, the resampler hashes the decoded blocks it reads, otherwise the pipeline does.
        using var hasher = new AudioContentHasher(decoded);
        var resampled = parameters.TargetSampleRate is { } target && target != decoded.SampleRate;
        using var resampler = resampled ? new ResamplingAudioSource(decoded, parameters.TargetSampleRate!.Value, hasher) : null;
        IAudioSource source = (IAudioSource?)resampler ?? decoded;

        // One extractor (and so one STFT) per distinct channel alias, in the order the sorted descriptors first name it.
        var aliases = new List<ChannelAlias>();
        var extractors = new List<ChannelExtractor>();
        var channelOf = new int[descriptors.Count];
        for (var i = 0; i < descriptors.Count; i++)
        {
            var alias = descriptors[i].Channel;
            var index = aliases.IndexOf(alias);
            if (index < 0)
            {
                extractors.Add(ChannelExtractor.Create(source, alias));
                aliases.Add(alias);
                index = aliases.Count - 1;
            }

            channelOf[i] = index;
        }

        var context = new AnalysisContext(source.SampleRate, parameters);
        var frames = StftPipeline.GetFrameCount(source.FrameCount, parameters.WindowSize, parameters.HopSize);
        if (frames > int.MaxValue)
        {
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"{request.Key} would have {frames} analysis frames, more than the {int.MaxValue} a feature blob may hold; use a larger hop."));
        }

        var computers = new IDescriptorFrameComputer[descriptors.Count];
        var encodings = new FeatureValueEncoding[descriptors.Count];
        var perChannel = new List<IDescriptorFrameComputer>[aliases.Count];
        var sink = new WriterSink(aliases.Count);
        for (var c = 0; c < perChannel.Length; c++)
        {
            perChannel[c] = [];
        }

        for (var i = 0; i < descriptors.Count; i++)
        {
            computers[i] = calculators[i].CreateComputer(descriptors[i], context);

            // A compact spectrum encoding is applied as the values are computed, so every store returns exactly them.
            encodings[i] = SpectrumValueEncodings.For(calculators[i].Id, descriptors[i].Name, parameters);
            if (encodings[i].Kind != FeatureEncodingKind.Float32)
            {
                computers[i] = new QuantizingFrameComputer(computers[i], FeatureValueCodec.For(encodings[i]));
            }

            perChannel[channelOf[i]].Add(computers[i]);
        }

        var channels = new (ChannelExtractor, IReadOnlyList<IDescriptorFrameComputer>)[aliases.Count];
        for (var c = 0; c < channels.Length; c++)
        {
            channels[c] = (extractors[c], perChannel[c]);
        }

        var writers = new IFeatureBlobWriter?[descriptors.Count];
        var committing = false;
        try
        {
            for (var i = 0; i < descriptors.Count; i++)
            {
                writers[i] = await store.BeginWriteAsync(request.Key, descriptors[i], computers[i].ValuesPerFrame, frames, encodings[i], cancellationToken).ConfigureAwait(false);
                sink.Add(channelOf[i], writers[i]!);
            }

            using (var pipeline = new StftPipeline(source, context, channels, (int)frames, sink, _memoryBudgetBytes / 4, _degreeOfParallelism))
            {
                progress?.Report(new AnalysisProgress(0.0, null));
                pipeline.Run(
                    resampled ? null : hasher,
                    progress is null ? null : new ProgressReporter(progress, source.FrameCount, _timeProvider).OnBlock,
                    cancellationToken);
            }

            var sourceHash = hasher.GetHashAndReset();

            // The blobs carry the parameters and the time the analysis finished, which the commit copies into the records,
            // so metadata rebuilt from the blobs equals the metadata written now (ICacheMaintenance).
            var analyzedAt = _timeProvider.GetUtcNow();
            var blobs = new (IFeatureBlobWriter, FeatureBlobHeader)[descriptors.Count];
            for (var i = 0; i < descriptors.Count; i++)
            {
                var header = new FeatureBlobHeader(
                    request.Key,
                    descriptors[i],
                    request.Profile.RevisionHash,
                    sourceHash,
                    resampled ? ResamplingAudioSource.QualifyCalculatorId(calculators[i].Id) : calculators[i].Id,
                    calculators[i].Version,
                    source.SampleRate,
                    parameters.HopSize,
                    parameters.WindowSize,
                    (int)frames,
                    computers[i].ValuesPerFrame,
                    parameters,
                    analyzedAt)
                {
                    Encoding = encodings[i],
                };
                blobs[i] = (writers[i]!, header);
            }

            // The commit disposes every writer, committed or not.
            committing = true;
            var writer = new FeatureCacheWriter(store, _metadata, _timeProvider);
            var records = await writer.CommitAsync(request.Key, blobs, parameters, cancellationToken).ConfigureAwait(false);
            progress?.Report(new AnalysisProgress(1.0, null, TimeSpan.Zero));
            return records;
        }
        catch (OperationCanceledException) when (!committing && cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the commit: return now and delete the temporary files in the background (DisposeAsync waits).
            _discarded.Discard([.. writers]);
            Array.Clear(writers);
            throw;
        }
        finally
        {
            if (!committing)
            {
                // Failed before the commit: discard every blob being written (temporary files deleted).
                foreach (var writer in writers)
                {
                    if (writer is not null)
                    {
                        await writer.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Appends each output's frame chunks to its blob writer.</summary>
    private sealed class WriterSink(int channelCount) : IFrameSink
    {
        private readonly List<IFeatureBlobWriter>[] _writers = [.. Enumerable.Range(0, channelCount).Select(_ => new List<IFeatureBlobWriter>())];

        /// <summary>Adds the writer of the next computer of a channel (computers are added in the pipeline's order).</summary>
        public void Add(int channel, IFeatureBlobWriter writer) => _writers[channel].Add(writer);

        public void Write(int channel, int computer, ReadOnlySpan<float> frames) => _writers[channel][computer].Append(frames);
    }

    /// <summary>
    /// Reports the decoded fraction in whole-percent steps, so a long track posts about 100 reports, with an estimate of
    /// the time left: the time so far × (1 − fraction) / fraction, from the <see cref="TimeProvider"/>'s clock.
    /// </summary>
    private sealed class ProgressReporter(IProgress<AnalysisProgress> progress, long totalFrames, TimeProvider time)
    {
        private readonly long _start = time.GetTimestamp();
        private int _lastPercent;

        public void OnBlock(StftPipeline pipeline)
        {
            var percent = (int)(pipeline.FramesDecoded * 100 / totalFrames);
            if (percent > _lastPercent)
            {
                _lastPercent = percent;
                var fraction = Math.Min(1.0, (double)pipeline.FramesDecoded / totalFrames);
                var elapsed = time.GetElapsedTime(_start);
                progress.Report(new AnalysisProgress(fraction, null, elapsed * ((1 - fraction) / fraction)));
            }
        }
    }

    /// <summary>Reports each descriptor as its blob is written (or committed), then delegates to the real store.</summary>
    private sealed class ReportingFeatureStore(IFeatureStore inner, IProgress<AnalysisProgress> progress) : IFeatureStore
    {
        public async ValueTask<IFeatureBlobWriter> BeginWriteAsync(
            CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default) =>
            new ReportingWriter(await inner.BeginWriteAsync(key, descriptor, valuesPerFrame, expectedFrameCount, encoding, cancellationToken).ConfigureAwait(false), progress);

        public ValueTask<IFeatureBlobReader?> OpenReaderAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            inner.OpenReaderAsync(key, descriptor, cancellationToken);

        public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(blob);
            progress.Report(new AnalysisProgress(1.0, blob.Header.Descriptor));
            return inner.WriteAsync(blob, cancellationToken);
        }

        public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(key, descriptor, cancellationToken);

        public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(key, descriptor, cancellationToken);

        public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            inner.ListAsync(key, cancellationToken);

        public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => inner.ScanAsync(cancellationToken);

        public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) =>
            inner.QuarantineAsync(location, cancellationToken);
    }

    /// <summary>Reports the descriptor when its blob is committed.</summary>
    private sealed class ReportingWriter(IFeatureBlobWriter inner, IProgress<AnalysisProgress> progress) : IFeatureBlobWriter
    {
        public CacheKey Key => inner.Key;

        public DescriptorId Descriptor => inner.Descriptor;

        public int ValuesPerFrame => inner.ValuesPerFrame;

        public long FramesWritten => inner.FramesWritten;

        public void Append(ReadOnlySpan<float> values) => inner.Append(values);

        public ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default)
        {
            progress.Report(new AnalysisProgress(1.0, inner.Descriptor, TimeSpan.Zero));
            return inner.CommitAsync(header, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
