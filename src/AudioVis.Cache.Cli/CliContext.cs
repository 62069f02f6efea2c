using Spectre.Console;

namespace AudioVis.Cache.Cli;

/// <summary>What every command writes to and reads the time from; tests pass their own console, error writer and clock.</summary>
/// <param name="Console">Standard output (tables, progress, JSON).</param>
/// <param name="Error">Standard error: one line per problem.</param>
/// <param name="TimeProvider">The library's clock (a fixed one makes the demo's output reproducible).</param>
internal sealed record CliContext(IAnsiConsole Console, TextWriter Error, TimeProvider TimeProvider)
{
    /// <summary>Writes text as-is to standard output (JSON must not be wrapped to the console's width).</summary>
    public void WriteRaw(string text)
    {
        Console.Profile.Out.Writer.Write(text);
        Console.Profile.Out.Writer.Flush();
    }
}
