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
        var registered = services.Last(d => d.ServiceType == typeof(IAudioAnalyzer));
        services.Remove(registered);
        services.AddSingleton<IAudioAnalyzer>(sp => new AnalysisLog((IAudioAnalyzer)registered.ImplementationFactory!(sp), path, delay));
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

    private void Append(string what, AnalysisRequest request)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{what} {Environment.ProcessId} {request.Key.TrackRef} {string.Join(',', request.Descriptors)} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        stream.Write(Encoding.UTF8.GetBytes(line));
    }
}
