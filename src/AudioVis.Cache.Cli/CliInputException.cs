namespace AudioVis.Cache.Cli;

/// <summary>
/// A scene file or an argument the command cannot use: malformed JSON, an unknown profile or track, a missing audio
/// file, a malformed descriptor id. The message is one line that names the file, the JSON path and the value; the
/// command exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message)
        : base(message)
    {
    }

    public CliInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliInputException()
    {
    }
}
