using System.Text.Json;
using System.Text.Json.Serialization;
using AudioVis.Cache.Internal;
using AudioVis.Cache.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Diagnostics;

/// <summary>
/// The default <see cref="IDiagnosticsPreferenceStore"/>: one small JSON file (<c>{"format":1,"sortBy":"Status",
/// "descending":false,"shownStatuses":["Failed"]}</c>), written atomically. A file that cannot be read or parsed, or holds a
/// value out of range (an enum number no member has, a null list), gives the defaults and warning 4001 naming the file and the problem; it is replaced by the next save.
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
                if (document is null || document.Format != 1)
                {
                    Log.PreferencesIgnored(logger, FilePath, document is null ? "the file is empty" : $"format {document.Format} is not 1");
                    return DiagnosticsPreferences.Default;
                }

                if (FindInvalidValue(document) is { } problem)
                {
                    Log.PreferencesIgnored(logger, FilePath, problem);
                    return DiagnosticsPreferences.Default;
                }

                return new DiagnosticsPreferences { SortBy = document.SortBy, Descending = document.Descending, ShownStatuses = document.ShownStatuses };
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.PreferencesIgnored(logger, FilePath, e.Message);
            return DiagnosticsPreferences.Default;
        }
    }

    // JSON gives enums as numbers too (any number) and lists as null; neither may reach the panel.
    private static string? FindInvalidValue(PreferencesDocument document)
    {
        if (!Enum.IsDefined(document.SortBy))
        {
            return $"sortBy {(int)document.SortBy} is not a sort key";
        }

        if (document.ShownStatuses is null)
        {
            return "shownStatuses is null";
        }

        foreach (var status in document.ShownStatuses)
        {
            if (!Enum.IsDefined(status))
            {
                return $"shownStatuses holds {(int)status}, which is not a status";
            }
        }

        return null;
    }

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
