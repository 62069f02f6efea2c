using System.Buffers;
using System.Text.Json;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.History;

/// <inheritdoc cref="IExportManifestWriter"/>
internal sealed class ExportManifestWriter : IExportManifestWriter
{
    /// <summary>The manifest's file name inside the scene's export folder.</summary>
    public const string FileName = "analysis-history.json";

    /// <summary>The format version this writer writes.</summary>
    public const int FormatVersion = 1;

    // A previous manifest larger than this is not read for its generatedAt (10 million entries fit well below it).
    private const long MaxPreviousManifestBytes = 1L << 31;

    private readonly IHistoryStore _store;
    private readonly IExportCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ExportManifestWriter(IHistoryStore store, IExportCoordinator coordinator, string exportsRoot, TimeProvider time, ILogger<ExportManifestWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentException.ThrowIfNullOrWhiteSpace(exportsRoot);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _coordinator = coordinator;
        _time = time;
        _logger = logger;
        ExportsRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(exportsRoot));
    }

    /// <summary>Gets the full path of the exports root.</summary>
    public string ExportsRoot { get; }

    /// <summary>Test hook: wraps the stream the manifest is written through, to fail or cancel a write midway.</summary>
    internal Func<Stream, Stream>? WriteStreamWrapper { get; init; }

    /// <summary>Gets the path the manifest of <paramref name="sceneId"/> is written to.</summary>
    /// <param name="sceneId">The scene id.</param>
    /// <returns>The full path.</returns>
    public string GetManifestPath(string sceneId)
    {
        ExportSceneId.Validate(sceneId);
        return Path.Combine(ExportSceneId.GetFolder(ExportsRoot, sceneId), FileName);
    }

    public async ValueTask<ExportManifestResult> WriteAsync(string sceneId, CancellationToken cancellationToken = default)
    {
        var path = GetManifestPath(sceneId);
        cancellationToken.ThrowIfCancellationRequested();

        var entries = await ReadAllEntriesAsync(cancellationToken).ConfigureAwait(false);
        var previousExportAt = await ReadGeneratedAtAsync(path, cancellationToken).ConfigureAwait(false);
        var generatedAt = _time.GetUtcNow();
        var document = Build(sceneId, generatedAt, previousExportAt, entries);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await AtomicFile.WriteAsync(
            path,
            (stream, token) => new ValueTask(JsonSerializer.SerializeAsync(stream, document, ExportManifestJsonContext.Manifest.ManifestDocument, token)),
            WriteStreamWrapper,
            cancellationToken).ConfigureAwait(false);

        Log.ManifestWritten(_logger, path, entries.Count, document.EntriesSincePreviousExport);
        return new ExportManifestResult(path, entries.Count, generatedAt, previousExportAt);
    }

    public async ValueTask<IDisposable> BeginExportAsync(string sceneId, CancellationToken cancellationToken = default)
    {
        ExportSceneId.Validate(sceneId);

        // The scope opens first, so no regeneration starts between the manifest and the render it describes.
        var scope = _coordinator.BeginExport();
        try
        {
            await WriteAsync(sceneId, cancellationToken).ConfigureAwait(false);
            return scope;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    internal static ManifestDocument Build(string sceneId, DateTimeOffset generatedAt, DateTimeOffset? previousExportAt, IReadOnlyList<HistoryEntry> entries)
    {
        var byAction = new ManifestActionCounts();
        var byStatus = new ManifestStatusCounts();
        var manifestEntries = new ManifestEntry[entries.Count];
        var lastTouch = new Dictionary<(string TrackRef, string ProfileId, DescriptorId Descriptor), ManifestDescriptor>();
        var since = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            manifestEntries[i] = ManifestEntry.From(entry);
            switch (entry.Action)
            {
                case HistoryAction.AutoRegenerate: byAction.AutoRegenerate++; break;
                case HistoryAction.ManualRegenerate: byAction.ManualRegenerate++; break;
                default: byAction.Dismissed++; break;
            }

            if (entry.Status == HistoryStatus.Success)
            {
                byStatus.Success++;
            }
            else
            {
                byStatus.Failure++;
            }

            if (previousExportAt is null || entry.Timestamp > previousExportAt.Value)
            {
                since++;
            }

            // Entries come newest first, so the first entry seen for a descriptor is its last outcome.
            foreach (var descriptor in entry.DescriptorIds)
            {
                var key = (entry.TrackRef, entry.AnalysisProfileId, descriptor);
                if (!lastTouch.ContainsKey(key))
                {
                    lastTouch[key] = new ManifestDescriptor
                    {
                        TrackRef = entry.TrackRef,
                        AnalysisProfileId = entry.AnalysisProfileId,
                        DescriptorId = descriptor,
                        Action = manifestEntries[i].Action,
                        Status = manifestEntries[i].Status,
                        Timestamp = manifestEntries[i].Timestamp,
                        EntryId = entry.Id,
                        ErrorType = entry.ErrorType,
                    };
                }
            }
        }

        var descriptors = lastTouch.Values.ToArray();
        Array.Sort(descriptors, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.TrackRef, b.TrackRef);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.AnalysisProfileId, b.AnalysisProfileId);
            }

            return c != 0 ? c : a.DescriptorId.CompareTo(b.DescriptorId);
        });

        return new ManifestDocument
        {
            FormatVersion = FormatVersion,
            SceneId = sceneId,
            GeneratedAt = generatedAt.UtcDateTime,
            PreviousExportAt = previousExportAt?.UtcDateTime,
            TimeRange = entries.Count == 0 ? null : new ManifestTimeRange
            {
                From = Min(entries).UtcDateTime,
                To = Max(entries).UtcDateTime,
            },
            Counts = new ManifestCounts { ByAction = byAction, ByStatus = byStatus },
            EntriesSincePreviousExport = since,
            Descriptors = descriptors,
            Entries = manifestEntries,
        };
    }

    private static DateTimeOffset Min(IReadOnlyList<HistoryEntry> entries)
    {
        var min = entries[0].Timestamp;
        for (var i = 1; i < entries.Count; i++)
        {
            min = entries[i].Timestamp < min ? entries[i].Timestamp : min;
        }

        return min;
    }

    private static DateTimeOffset Max(IReadOnlyList<HistoryEntry> entries)
    {
        var max = entries[0].Timestamp;
        for (var i = 1; i < entries.Count; i++)
        {
            max = entries[i].Timestamp > max ? entries[i].Timestamp : max;
        }

        return max;
    }

    private async ValueTask<List<HistoryEntry>> ReadAllEntriesAsync(CancellationToken cancellationToken)
    {
        var entries = new List<HistoryEntry>();
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(new HistoryQuery { PageSize = HistoryQuery.MaxPageSize, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page.Entries);
            if (page.ContinuationToken is not null && string.Equals(page.ContinuationToken, token, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The history store {_store.GetType().Name} returned the continuation token it was given ('{token}'); paging would never end.");
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return entries;
    }

    /// <summary>Reads the top-level <c>generatedAt</c> of an existing manifest; <see langword="null"/> when there is none or it cannot be read (logged).</summary>
    private async ValueTask<DateTimeOffset?> ReadGeneratedAtAsync(string path, CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            if (length > MaxPreviousManifestBytes)
            {
                throw new InvalidDataException($"The file is {length} bytes long; manifests over {MaxPreviousManifestBytes} bytes are not read.");
            }

            buffer = ArrayPool<byte>.Shared.Rent((int)length);
            var read = 0;
            while (read < length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, (int)length - read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return FindGeneratedAt(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
        {
            Log.PreviousManifestUnreadable(_logger, path, e);
            return null;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static DateTimeOffset FindGeneratedAt(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("The file is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isGeneratedAt = reader.ValueTextEquals("generatedAt"u8);
            reader.Read();
            if (isGeneratedAt)
            {
                return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value)
                    ? value.ToUniversalTime()
                    : throw new InvalidDataException("Its generatedAt is not an ISO 8601 date and time.");
            }

            reader.Skip();
        }

        throw new InvalidDataException("It has no top-level generatedAt.");
    }
}
