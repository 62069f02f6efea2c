using System.Globalization;
using System.Text;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioVis.Cache.Cluster.ChildProcess;

/// <summary>
/// Wraps the silo's real analyzer: appends <c>START &lt;pid&gt; &lt;track&gt; &lt;descriptors&gt; &lt;unix ms&gt;</c> before and
/// <c>DONE ...</c> after each successful analysis to a log shared by every silo. Each line is one write to a file opened with
/// O_APPEND, so lines of several processes never interleave. <c>START &lt;track&gt;</c> also goes to standard output, for a
/// test that kills the silo mid-analysis.
/// </summary>
internal sealed class AnalysisLog(IAudioAnalyzer inner, string path, TimeSpan delay) : IAudioAnalyzer
{
    public static void Decorate(IServiceCollection services, string path, TimeSpan delay)
    {
        var analyzer = services.Last(d => d.ServiceType == typeof(IAudioAnalyzer));
        services.Remove(analyzer);
        services.AddSingleton<IAudioAnalyzer>(sp => new AnalysisLog((IAudioAnalyzer)analyzer.ImplementationFactory!(sp), path, delay));
        var store = services.Last(d => d.ServiceType == typeof(ICacheMetadataStore));
        services.Remove(store);
        services.AddSingleton<ICacheMetadataStore>(sp => new CommitLog((ICacheMetadataStore)store.ImplementationFactory!(sp), path));
    }

    public async ValueTask<IReadOnlyList<CacheMetadataRecord>> AnalyzeAsync(AnalysisRequest request, IProgress<AnalysisProgress>? progress, CancellationToken cancellationToken = default)
    {
        Append("START", request);
        Console.WriteLine($"START {request.Key.TrackRef}");
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        var records = await inner.AnalyzeAsync(request, progress, cancellationToken).ConfigureAwait(false);
        Append("DONE", request);
        return records;
    }

    private void Append(string what, AnalysisRequest request) => Append(path, what, request.Key, request.Descriptors);

    private static void Append<T>(string path, string what, CacheKey key, IEnumerable<T> descriptors)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{what} {Environment.ProcessId} {key.TrackRef} {string.Join(',', descriptors)} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        SharedLog.Append(path, Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Appends <c>COMMIT ...</c> once the store has committed a key's records (and so sent its notification).</summary>
    private sealed class CommitLog(ICacheMetadataStore inner, string path) : ICacheMetadataStore
    {
        public ValueTask<IReadOnlyList<CacheMetadataRecord>> GetRecordsAsync(CacheKey key, CancellationToken cancellationToken = default) => inner.GetRecordsAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<CacheKey>> GetKeysAsync(CancellationToken cancellationToken = default) => inner.GetKeysAsync(cancellationToken);

        public async ValueTask UpsertAsync(CacheKey key, IReadOnlyList<CacheMetadataRecord> records, CancellationToken cancellationToken = default)
        {
            await inner.UpsertAsync(key, records, cancellationToken).ConfigureAwait(false);
            Append(path, "COMMIT", key, records.Select(r => r.Descriptor));
        }

        public ValueTask<int> RemoveAsync(CacheKey key, IReadOnlyList<Descriptors.DescriptorId> descriptors, CancellationToken cancellationToken = default) => inner.RemoveAsync(key, descriptors, cancellationToken);
    }
}
