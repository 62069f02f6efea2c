using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Cli.Scenes;

/// <summary>Reads and validates scene files; every problem is a <see cref="CliInputException"/> naming the file, the JSON path and the value.</summary>
internal static class SceneLoader
{
    public const int FormatVersion = 1;

    public static Scene Load(string path, DateTimeOffset requestedAt)
    {
        var fullPath = Path.GetFullPath(path);
        var name = Path.GetFileName(fullPath);
        if (!File.Exists(fullPath))
        {
            throw new CliInputException(Directory.Exists(fullPath) ? $"'{path}' is a folder, not a scene file." : $"The scene file '{path}' does not exist.");
        }

        SceneDocument document;
        try
        {
            using var stream = File.OpenRead(fullPath);
            document = JsonSerializer.Deserialize(stream, SceneJsonContext.Default.SceneDocument)
                ?? throw new CliInputException($"{name}: the scene is null; expected an object.");
        }
        catch (JsonException e)
        {
            throw new CliInputException($"{name}: {Describe(e)}", e);
        }
        catch (IOException e)
        {
            throw new CliInputException($"The scene file '{path}' cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliInputException($"The scene file '{path}' cannot be read: {e.Message}", e);
        }

        return new Validator(name, fullPath, requestedAt).Validate(document);
    }

    /// <summary>System.Text.Json's message, without .NET type names, after the JSON path and line of the problem.</summary>
    internal static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = cut >= 0 ? message[..cut] : message;
        cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        message = cut >= 0 ? message[..cut] : message;
        message = message switch
        {
            _ when message.Contains("could not be mapped", StringComparison.Ordinal) => $"unknown property {Quoted(message)}",
            _ when message.Contains("missing required properties", StringComparison.Ordinal) =>
                $"missing required property {message[(message.IndexOf("including: ", StringComparison.Ordinal) + 11)..].TrimEnd('.')}",
            _ when message.StartsWith("Duplicate ", StringComparison.Ordinal) => $"duplicate property {Quoted(message)}",
            _ when message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("doesn't allow", StringComparison.Ordinal) => "null is not allowed here",
            _ when message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal) => $"expected {Expected(e.InnerException?.Message ?? message)}",
            _ => message.TrimEnd('.'),
        };
        var where = e.Path is { Length: > 0 } p ? p : "$";
        var line = e.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" (line {l + 1})") : string.Empty;
        return $"{where}{line}: {message}.";
    }

    private static string Quoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[start..(end + 1)] : "(unnamed)";
    }

    // The converter's message names the .NET type read ("…converted to System.Int32"), or the token it found ("Cannot get the
    // value of a token type 'String' as a number").
    private static string Expected(string message) => message switch
    {
        _ when message.Contains("as a number", StringComparison.Ordinal) => "a number",
        _ when message.Contains("as a string", StringComparison.Ordinal) => "a string",
        _ when message.Contains("Int32", StringComparison.Ordinal) => "a whole number",
        _ when message.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when message.Contains("String", StringComparison.Ordinal) => "a string",
        _ when message.Contains("IReadOnlyList", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    private sealed class Validator(string name, string fullPath, DateTimeOffset requestedAt)
    {
        private readonly string _directory = Path.GetDirectoryName(fullPath)!;

        public Scene Validate(SceneDocument document)
        {
            if (document.FormatVersion != FormatVersion)
            {
                Fail("$.formatVersion", string.Create(CultureInfo.InvariantCulture, $"format version {document.FormatVersion} is not supported; this tool reads version {FormatVersion}"));
            }

            var sceneId = document.SceneId ?? Path.GetFileNameWithoutExtension(fullPath);
            var tracks = Tracks(document.Tracks);
            var profiles = Profiles(document.Profiles ?? []);
            var intents = Elements(document.Elements, tracks, profiles);
            if (!profiles.ContainsKey(AnalysisProfile.DefaultId))
            {
                profiles[AnalysisProfile.DefaultId] = AnalysisProfile.Default;
            }

            return new Scene(fullPath, sceneId, [.. tracks.Values], [.. profiles.Values], intents);
        }

        private Dictionary<string, SceneTrack> Tracks(IReadOnlyList<SceneTrackDocument> tracks)
        {
            var byId = new Dictionary<string, SceneTrack>(StringComparer.Ordinal);
            for (var i = 0; i < tracks.Count; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"$.tracks[{i}]");
                var track = tracks[i] ?? Fail<SceneTrackDocument>(at, "null is not allowed here");
                if (string.IsNullOrWhiteSpace(track.Id))
                {
                    Fail($"{at}.id", "a track id must not be empty");
                }

                if (track.Path.Contains('\0', StringComparison.Ordinal))
                {
                    // Path.GetFullPath would throw ArgumentException.
                    Fail($"{at}.path", $"'{track.Path.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character (\\0), which no path may hold");
                }

                if (Path.IsPathRooted(track.Path))
                {
                    Fail($"{at}.path", $"'{track.Path}' is absolute; audio paths are relative to the scene file");
                }

                var audio = Path.GetFullPath(track.Path, _directory);
                var relative = Path.GetRelativePath(_directory, audio);
                if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                {
                    Fail($"{at}.path", $"'{track.Path}' is outside the scene's folder; keep audio in it or below it");
                }

                if (!File.Exists(audio))
                {
                    Fail($"{at}.path", $"the audio file '{track.Path}' does not exist");
                }

                if (!byId.TryAdd(track.Id, new SceneTrack(track.Id, relative.Replace(Path.DirectorySeparatorChar, '/'))))
                {
                    Fail($"{at}.id", $"the track id '{track.Id}' is used twice");
                }
            }

            return byId;
        }

        private Dictionary<string, AnalysisProfile> Profiles(IReadOnlyList<SceneProfileDocument> profiles)
        {
            var byId = new Dictionary<string, AnalysisProfile>(StringComparer.Ordinal);
            for (var i = 0; i < profiles.Count; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"$.profiles[{i}]");
                var profile = profiles[i] ?? Fail<SceneProfileDocument>(at, "null is not allowed here");
                var parameters = Parameters($"{at}.parameters", profile.Parameters);
                AnalysisProfile created;
                try
                {
                    created = new AnalysisProfile(profile.Id, parameters, profile.DisplayName);
                }
                catch (InvalidAnalysisParametersException e)
                {
                    created = Fail<AnalysisProfile>($"{at}.parameters", string.Join(" ", e.Errors).TrimEnd('.'));
                }
                catch (ArgumentException e)
                {
                    created = Fail<AnalysisProfile>($"{at}.id", FirstSentence(e));
                }

                if (!byId.TryAdd(created.Id, created))
                {
                    Fail($"{at}.id", $"the profile id '{created.Id}' is used twice");
                }
            }

            return byId;
        }

        private AnalysisParameters Parameters(string at, SceneParametersDocument? p)
        {
            var defaults = AnalysisParameters.Default;
            if (p is null)
            {
                return defaults;
            }

            return defaults with
            {
                WindowSize = p.WindowSize ?? defaults.WindowSize,
                HopSize = p.HopSize ?? defaults.HopSize,
                FftSize = p.FftSize ?? defaults.FftSize,
                WindowFunction = p.Window is null ? defaults.WindowFunction : Word(at + ".window", p.Window, WindowFunctions),
                MinDecibels = p.MinDecibels ?? defaults.MinDecibels,
                MaxDecibels = p.MaxDecibels ?? defaults.MaxDecibels,
                BandLayout = p.BandLayout is null ? defaults.BandLayout : Word(at + ".band_layout", p.BandLayout, BandLayouts),
                MinBandFrequency = p.MinBandFrequency ?? defaults.MinBandFrequency,
                MaxBandFrequency = p.MaxBandFrequency ?? defaults.MaxBandFrequency,
                TargetSampleRate = p.SampleRate is { } rate ? SampleRate(at + ".sample_rate", rate) : defaults.TargetSampleRate,
            };
        }

        private int? SampleRate(string at, JsonElement rate) => rate.ValueKind switch
        {
            JsonValueKind.String when rate.GetString() == "native" => null,
            JsonValueKind.Number when rate.TryGetInt32(out var hz) => hz,
            _ => Fail<int?>(at, $"{rate.GetRawText()} is not a sample rate; expected \"native\" or a whole number of Hz"),
        };

        private static readonly Dictionary<string, WindowFunction> WindowFunctions = new(StringComparer.Ordinal)
        {
            ["hann"] = WindowFunction.Hann,
            ["hamming"] = WindowFunction.Hamming,
            ["blackman"] = WindowFunction.Blackman,
            ["rectangular"] = WindowFunction.Rectangular,
        };

        private static readonly Dictionary<string, BandLayout> BandLayouts = new(StringComparer.Ordinal)
        {
            ["log"] = BandLayout.Logarithmic,
            ["mel"] = BandLayout.Mel,
        };

        private T Word<T>(string at, string value, Dictionary<string, T> words) =>
            words.TryGetValue(value, out var word) ? word : Fail<T>(at, $"'{value}' is not one of {string.Join(", ", words.Keys.Select(k => $"'{k}'"))}");

        private List<AnalysisIntent> Elements(IReadOnlyList<SceneElementDocument> elements, Dictionary<string, SceneTrack> tracks, Dictionary<string, AnalysisProfile> profiles)
        {
            var intents = new List<AnalysisIntent>(elements.Count);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < elements.Count; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"$.elements[{i}]");
                var element = elements[i] ?? Fail<SceneElementDocument>(at, "null is not allowed here");
                if (!tracks.TryGetValue(element.Track, out var track))
                {
                    Fail($"{at}.track", $"unknown track '{element.Track}'; the scene's tracks are {List(tracks.Keys)}");
                }

                if (!profiles.ContainsKey(element.Profile) && element.Profile != AnalysisProfile.DefaultId)
                {
                    Fail($"{at}.profile", $"unknown profile '{element.Profile}'; the scene's profiles are {List(profiles.Keys.Append(AnalysisProfile.DefaultId).Distinct())}");
                }

                if (element.Descriptors.Count == 0)
                {
                    Fail($"{at}.descriptors", "an element must request at least one descriptor");
                }

                for (var d = 0; d < element.Descriptors.Count; d++)
                {
                    Descriptor(string.Create(CultureInfo.InvariantCulture, $"{at}.descriptors[{d}]"), element.Descriptors[d]);
                }

                if (!ids.Add(element.Id))
                {
                    Fail($"{at}.id", $"the element id '{element.Id}' is used twice");
                }

                try
                {
                    intents.Add(AnalysisIntent.Create(element.Id, track.TrackRef, element.Profile, element.Descriptors, requestedAt));
                }
                catch (ArgumentException e)
                {
                    Fail(at, FirstSentence(e));
                }
            }

            return intents;
        }

        private void Descriptor(string at, string? value)
        {
            if (value is null)
            {
                Fail(at, "null is not allowed here");
            }

            try
            {
                var id = DescriptorId.Parse(value);
                if (!DescriptorCatalog.Default.TryGetDefinition(id, out _))
                {
                    Fail(at, $"'{value}' is not in the descriptor catalogue (docs/descriptors.md)");
                }
            }
            catch (DescriptorIdFormatException e)
            {
                Fail(at, FirstSentence(e));
            }
        }

        private static string List(IEnumerable<string> ids) => ids.Any() ? string.Join(", ", ids.Select(id => $"'{id}'")) : "(none)";

        // ArgumentException appends " (Parameter 'x')"; the path already says where.
        private static string FirstSentence(Exception e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            return (cut >= 0 ? message[..cut] : message).TrimEnd('.');
        }

        [DoesNotReturn]
        private void Fail(string at, string problem) => throw new CliInputException($"{name}: {at}: {problem}.");

        [DoesNotReturn]
        private T Fail<T>(string at, string problem) => throw new CliInputException($"{name}: {at}: {problem}.");
    }
}
