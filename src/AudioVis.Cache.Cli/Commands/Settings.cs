using System.ComponentModel;
using Spectre.Console.Cli;

namespace AudioVis.Cache.Cli.Commands;

/// <summary>Options every command has.</summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("-v|--verbose")]
    [Description("On an error, print the exception with its stack trace instead of one line.")]
    public bool Verbose { get; init; }
}

/// <summary>A command on a scene file and its cache folder.</summary>
internal class SceneSettings : CliSettings
{
    [CommandArgument(0, "<scene>")]
    [Description("The scene file (JSON; see docs/cli.md). Audio paths in it are relative to it.")]
    public string Scene { get; init; } = string.Empty;

    [CommandOption("--cache-dir <DIR>")]
    [Description("The cache folder (SQLite database and feature blobs). Default: .audiovis-cache next to the scene file.")]
    public string? CacheDirectory { get; init; }
}

/// <summary>A read command: text for people, or <c>--json</c> for scripts.</summary>
internal sealed class ReadSceneSettings : SceneSettings
{
    [CommandOption("--json")]
    [Description("Write machine-readable JSON (docs/cli.md, \"JSON output\") instead of tables.")]
    public bool Json { get; init; }
}
