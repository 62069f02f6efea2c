using System.Text.Json;
using System.Text.Json.Serialization;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The default <see cref="IDiagnosticsPreferenceStore"/>: one small JSON file (<c>{"format":1,"sortBy":"Status",
/// "descending":false,"shownStatuses":["Failed"]}</c>), written atomically. A file that cannot be read or parsed, or that holds a
/// value out of range (an undefined sort key or status, a null list), gives the
/// defaults and warning 4001 naming the file and the problem; it is replaced by the next save.
/// </summary>
internal sealed class JsonFileDiagnosticsPreferenceStore(string path, ILogger<JsonFileDiagnosticsPreferenceStore> logger) : IDiagnosticsPreferenceStore
{
    /// <summary>Gets the default file: <c>AudioVis.Cache/diagnostics-preferences.json</c> in the user's application data folder.</summary>
    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "AudioVis.Cache",
        "diagnostics-preferences.json");

    public string FilePath { get; } = path;

    /// <summary>Test hook: wraps the stream the file is written through, to fail a write midway.</summary>
    internal Func<Stream, Stream>? WriteStreamWrapper { get; init; }

    public async ValueTask<DiagnosticsPreferences> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(FilePath))
        {
            return DiagnosticsPreferences.Default;
        }

        try
        {
            var stream = File.OpenRead(FilePath);
            await using (stream.ConfigureAwait(false))
            {
                var document = await JsonSerializer.DeserializeAsync(stream, PreferencesJsonContext.Default.PreferencesDocument, cancellationToken).ConfigureAwait(false);
                if (FindProblem(document) is { } problem)
                {
                    Log.PreferencesIgnored(logger, FilePath, problem);
                    return DiagnosticsPreferences.Default;
                }

                return new DiagnosticsPreferences { SortBy = document!.SortBy, Descending = document.Descending, ShownStatuses = document.ShownStatuses };
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.PreferencesIgnored(logger, FilePath, e.Message);
            return DiagnosticsPreferences.Default;
        }
    }

    // The JSON enum converter also takes numbers ("sortBy": 7) and comma lists ("LastAnalyzedAt, Status"), and a list may be
    // null: such values are not used.
    private static string? FindProblem(PreferencesDocument? document) => document switch
    {
        null => "the file is empty",
        { Format: not 1 } => $"format {document.Format} is not 1",
        _ when !Enum.IsDefined(document.SortBy) => $"sortBy {document.SortBy} is not a {nameof(DiagnosticsSortKey)}",
        { ShownStatuses: null } => "shownStatuses is null",
        _ => document.ShownStatuses.Where(s => !Enum.IsDefined(s)).Select(s => $"shownStatuses holds {s}, not a {nameof(DiagnosticsStatus)}").FirstOrDefault(),
    };

    public async ValueTask SaveAsync(DiagnosticsPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var document = new PreferencesDocument { Format = 1, SortBy = preferences.SortBy, Descending = preferences.Descending, ShownStatuses = [.. preferences.ShownStatuses] };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(FilePath)!);
        await AtomicFile.WriteAsync(
            FilePath,
            (stream, ct) => new ValueTask(JsonSerializer.SerializeAsync(stream, document, PreferencesJsonContext.Default.PreferencesDocument, ct)),
            WriteStreamWrapper,
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An <see cref="IDiagnosticsPreferenceStore"/> in memory, for tests and hosts that keep nothing.</summary>
internal sealed class InMemoryDiagnosticsPreferenceStore : IDiagnosticsPreferenceStore
{
    private DiagnosticsPreferences _preferences = DiagnosticsPreferences.Default;

    public ValueTask<DiagnosticsPreferences> LoadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Volatile.Read(ref _preferences));
    }

    public ValueTask SaveAsync(DiagnosticsPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        cancellationToken.ThrowIfCancellationRequested();
        Volatile.Write(ref _preferences, preferences);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The preference file's root object (format 1).</summary>
internal sealed class PreferencesDocument
{
    [JsonRequired]
    public int Format { get; init; }

    public DiagnosticsSortKey SortBy { get; init; }

    public bool Descending { get; init; }

    public List<DiagnosticsStatus> ShownStatuses { get; init; } = [];
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PreferencesDocument))]
internal sealed partial class PreferencesJsonContext : JsonSerializerContext;
