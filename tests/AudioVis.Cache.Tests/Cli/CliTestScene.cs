using System.Text.Json;
using AudioVis.Cache.Cli;
using AudioVis.Cache.Cli.Commands;
using Spectre.Console;

namespace AudioVis.Cache.Tests.Cli;

/// <summary>A temporary folder with two short real WAV tracks and a scene file, and the CLI run in-process on it.</summary>
internal sealed class CliTestScene : IDisposable
{
    /// <summary>The demo's scene: four elements on two tracks, the 'hires' profile and the built-in default.</summary>
    public const string DefaultScene = DemoCommand.SceneJson;

    public CliTestScene(string sceneJson = DefaultScene, double seconds = 1)
    {
        Root = Directory.CreateTempSubdirectory("avcache-cli-test-").FullName;
        DemoAudio.WriteChord(Path.Combine(Root, "audio", "intro.wav"), seconds);
        DemoAudio.WriteClicks(Path.Combine(Root, "audio", "drop.wav"), seconds);
        WriteScene(sceneJson);
    }

    public string Root { get; }

    public string ScenePath => Path.Combine(Root, "scene.json");

    public string CacheDirectory => Path.Combine(Root, ".audiovis-cache");

    public void WriteScene(string json) => File.WriteAllText(ScenePath, json);

    public void EditScene(string from, string to)
    {
        var json = File.ReadAllText(ScenePath);
        Assert.That(json, Does.Contain(from), "the edit applies");
        WriteScene(json.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>Runs a command with the scene path in place of <c>{scene}</c>.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithAsync(TimeProvider.System, CancellationToken.None, null, args);

    public Task<CliResult> RunWithAsync(TimeProvider time, CancellationToken cancellationToken, Action<string>? onOutput, params string[] args) =>
        Run(time, cancellationToken, onOutput, [.. args.Select(a => a.Replace("{scene}", ScenePath, StringComparison.Ordinal))]);

    public static Task<CliResult> Run(TimeProvider time, CancellationToken cancellationToken, Action<string>? onOutput, params string[] args) =>
        Run(time, cancellationToken, onOutput, interactive: false, args);

    // interactive: as on a terminal (live progress bars, ANSI codes), or as when redirected.
    public static async Task<CliResult> Run(TimeProvider time, CancellationToken cancellationToken, Action<string>? onOutput, bool interactive, params string[] args)
    {
        using var output = new ObservedWriter(onOutput);
        using var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var exitCode = await CliApp.RunAsync(args, new CliContext(console, error, time), cancellationToken);
        return new CliResult(exitCode, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the folder is a temporary one.
        }
    }

    /// <summary>Standard output that lets a test act on what a command writes (e.g. cancel once a job has started).</summary>
    private sealed class ObservedWriter(Action<string>? onOutput) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (value is not null)
            {
                onOutput?.Invoke(value);
            }
        }
    }
}

/// <summary>What a command did: its exit code, standard output and standard error.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
