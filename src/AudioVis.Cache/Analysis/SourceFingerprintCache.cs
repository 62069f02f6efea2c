using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// Remembers, per track, the last fingerprint the track source monitor decoded and the content hash it found, so an unchanged
/// file is not decoded again, not even after a restart: with a file (<c>&lt;FeatureCacheRoot&gt;/source-fingerprints.json</c>)
/// the entries are saved (atomically, at most once a second) and loaded at start-up.
/// </summary>
/// <remarks>
/// It is only a cache: a missing, unreadable or corrupt file, or one written by another decoder or hash encoding
/// (<see cref="HasherId"/>), is ignored (and reported once) and the tracks are decoded again. At most <see cref="Capacity"/>
/// entries are kept; the least recently set go first.
/// </remarks>
internal sealed class SourceFingerprintCache : IDisposable
{
    /// <summary>The file name under the feature cache root.</summary>
    public const string FileName = "source-fingerprints.json";

    internal const int Capacity = 10_000;

    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FingerprintEntry> _entries = new(StringComparer.Ordinal);
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ITimer? _saveTimer;
    private long _sequence;
    private bool _dirty;

    public SourceFingerprintCache(string? path, TimeProvider time, ILogger logger)
    {
        _path = path;
        _time = time;
        _logger = logger;
        if (path is not null)
        {
            Load(path);
        }
    }

    /// <summary>
    /// Gets the identity of the hashing: the hash encoding and the versions of this library and of the decoders. Hashes
    /// remembered under another identity might differ from what decoding gives now, so they are not used.
    /// </summary>
    internal static string HasherId { get; } = string.Join(
        ";",
        AudioContentHasher.EncodingVersion,
        Version(typeof(SourceFingerprintCache)),
        Version(typeof(NAudio.Wave.WaveFormat)),
        Version(typeof(NLayer.MpegFile)),
        Version(typeof(NVorbis.VorbisReader)));

    /// <summary>Test hook: wraps the stream the file is written through, to fail a write midway.</summary>
    internal Func<Stream, Stream>? WriteStreamWrapper { get; init; }

    public bool TryGet(string trackRef, string token, out string contentHash, out double? durationSeconds)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(trackRef, out var entry) && string.Equals(entry.Token, token, StringComparison.Ordinal))
            {
                contentHash = entry.ContentHash;
                durationSeconds = entry.DurationSeconds;
                return true;
            }
        }

        contentHash = string.Empty;
        durationSeconds = null;
        return false;
    }

    public void Set(string trackRef, string token, string contentHash, double? durationSeconds)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(trackRef, out var existing) && existing.Token == token && existing.ContentHash == contentHash && existing.DurationSeconds == durationSeconds)
            {
                return;
            }

            _entries[trackRef] = new FingerprintEntry { Token = token, ContentHash = contentHash, DurationSeconds = durationSeconds, Sequence = ++_sequence };
            if (_entries.Count > Capacity)
            {
                foreach (var oldest in _entries.OrderBy(e => e.Value.Sequence).Take(_entries.Count - Capacity).Select(e => e.Key).ToArray())
                {
                    _entries.Remove(oldest);
                }
            }

            _dirty = true;
            if (_path is not null)
            {
                _saveTimer ??= _time.CreateTimer(static state => ((SourceFingerprintCache)state!).SaveFromTimer(), this, SaveDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Writes the pending entries, if any; failures are logged, never thrown, and leave the entries pending.</summary>
    public void Save()
    {
        if (_path is null)
        {
            return;
        }

        FingerprintDocument document;
        lock (_gate)
        {
            if (!_dirty)
            {
                return;
            }

            _dirty = false;
            document = new FingerprintDocument
            {
                Format = 1,
                Hasher = HasherId,
                Tracks = _entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            };
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            AtomicFile.WriteAsync(
                _path,
                (stream, ct) => new ValueTask(JsonSerializer.SerializeAsync(stream, document, SourceFingerprintJsonContext.Default.FingerprintDocument, ct)),
                WriteStreamWrapper,
                CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.SourceFingerprintsNotSaved(_logger, _path, e);

            // Still pending: the next save (a later Set's timer, or Dispose) writes these entries.
            lock (_gate)
            {
                _dirty = true;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _saveTimer?.Dispose();
            _saveTimer = null;
        }

        Save();
    }

    private static string Version(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? type.Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private void SaveFromTimer()
    {
        lock (_gate)
        {
            _saveTimer?.Dispose();
            _saveTimer = null;
        }

        Save();
    }

    private void Load(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize(stream, SourceFingerprintJsonContext.Default.FingerprintDocument);
            if (document is null || document.Format != 1 || document.Hasher != HasherId)
            {
                Log.SourceFingerprintsIgnored(_logger, path, document is null ? "empty" : document.Format != 1 ? $"format {document.Format}" : "written by another decoder or hash encoding");
                return;
            }

            foreach (var (trackRef, entry) in document.Tracks)
            {
                if (!string.IsNullOrEmpty(entry.Token) && !string.IsNullOrEmpty(entry.ContentHash))
                {
                    _entries[trackRef] = entry;
                    _sequence = Math.Max(_sequence, entry.Sequence);
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.SourceFingerprintsIgnored(_logger, path, e.Message);
        }
    }
}

/// <summary>The file's root object.</summary>
internal sealed class FingerprintDocument
{
    [JsonRequired]
    public int Format { get; init; }

    [JsonRequired]
    public string Hasher { get; init; } = string.Empty;

    [JsonRequired]
    public Dictionary<string, FingerprintEntry> Tracks { get; init; } = [];
}

/// <summary>One track's last decoded fingerprint and content hash.</summary>
internal sealed class FingerprintEntry
{
    [JsonRequired]
    public string Token { get; init; } = string.Empty;

    [JsonRequired]
    public string ContentHash { get; init; } = string.Empty;

    /// <summary>Gets the length of the track's audio in seconds, when known (for cost estimates).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Gets the order entries were set in, for eviction.</summary>
    public long Sequence { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(FingerprintDocument))]
internal sealed partial class SourceFingerprintJsonContext : JsonSerializerContext;
