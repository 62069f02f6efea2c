using System.Globalization;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The analyzer of docs/analyzer.md: checks the request, opens the track, decodes it once while hashing it, resamples it
/// when the profile's <c>TargetSampleRate</c> differs from the track's (<see cref="ResamplingAudioSource"/>), runs one
/// STFT per distinct channel feeding every computer of that channel, then commits every blob durably and only then
/// the metadata records (through <see cref="FeatureCacheWriter"/>).
/// </summary>
/// <remarks>One analysis runs on the calling thread; every call has its own plan, buffers and computers, so concurrent calls are safe.</remarks>
internal sealed class AudioAnalyzer : IAudioAnalyzer
{
    private readonly ITrackAudioResolver _resolver;
    private readonly IFeatureStore _features;
    private readonly ICacheMetadataStore _metadata;
    private readonly TimeProvider _timeProvider;
    private readonly CalculatorRegistry _registry;

    public AudioAnalyzer(ITrackAudioResolver resolver, IFeatureStore features, ICacheMetadataStore metadata, TimeProvider timeProvider, CalculatorRegistry registry)
    {
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
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var blobs = Analyze(request, progress, cancellationToken);
        var store = progress is null ? _features : new ReportingFeatureStore(_features, progress);
        var writer = new FeatureCacheWriter(store, _metadata, _timeProvider);
        var records = await writer.CommitAsync(request.Key, blobs, request.Profile.Parameters, cancellationToken).ConfigureAwait(false);
        progress?.Report(new AnalysisProgress(1.0, null));
        return records;
    }

    /// <summary>Runs the decode and STFT pass and builds the blobs, in request (canonical) order; writes nothing.</summary>
    internal FeatureBlob[] Analyze(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken)
    {
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
        var computers = new IDescriptorFrameComputer[descriptors.Count];
        var slot = new int[descriptors.Count];
        var perChannel = new List<IDescriptorFrameComputer>[aliases.Count];
        for (var c = 0; c < perChannel.Length; c++)
        {
            perChannel[c] = [];
        }

        for (var i = 0; i < descriptors.Count; i++)
        {
            computers[i] = calculators[i].CreateComputer(descriptors[i], context);
            if (frames * computers[i].ValuesPerFrame > Array.MaxLength)
            {
                throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Descriptor '{descriptors[i]}' of {request.Key} would hold {frames} frames × {computers[i].ValuesPerFrame} values, more than the {Array.MaxLength} one array may hold; use a larger hop or a shorter track."));
            }

            slot[i] = perChannel[channelOf[i]].Count;
            perChannel[channelOf[i]].Add(computers[i]);
        }

        var channels = new (ChannelExtractor, IReadOnlyList<IDescriptorFrameComputer>)[aliases.Count];
        for (var c = 0; c < channels.Length; c++)
        {
            channels[c] = (extractors[c], perChannel[c]);
        }

        var pipeline = new StftPipeline(source, context, channels, (int)frames);
        progress?.Report(new AnalysisProgress(0.0, null));
        pipeline.Run(resampled ? null : hasher, progress is null ? null : new ProgressReporter(progress, source.FrameCount).OnBlock, cancellationToken);
        var sourceHash = hasher.GetHashAndReset();

        // The blobs carry the parameters and the time the analysis finished, which the commit copies into the records,
        // so metadata rebuilt from the blobs equals the metadata written now (ICacheMaintenance).
        var analyzedAt = _timeProvider.GetUtcNow();

        var blobs = new FeatureBlob[descriptors.Count];
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
                analyzedAt);
            blobs[i] = FeatureBlob.CreateOwned(header, pipeline.GetOutput(channelOf[i], slot[i]));
        }

        return blobs;
    }

    /// <summary>Reports the decoded fraction in whole-percent steps, so a long track posts about 100 reports.</summary>
    private sealed class ProgressReporter(IProgress<AnalysisProgress> progress, long totalFrames)
    {
        private int _lastPercent;

        public void OnBlock(StftPipeline pipeline)
        {
            var percent = (int)(pipeline.FramesDecoded * 100 / totalFrames);
            if (percent > _lastPercent)
            {
                _lastPercent = percent;
                progress.Report(new AnalysisProgress((double)pipeline.FramesDecoded / totalFrames, null));
            }
        }
    }

    /// <summary>Reports each descriptor as its blob is written, then delegates to the real store.</summary>
    private sealed class ReportingFeatureStore(IFeatureStore inner, IProgress<AnalysisProgress> progress) : IFeatureStore
    {
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
}
