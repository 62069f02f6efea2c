namespace AudioVis.Cache.Reliability.ChildProcess;

/// <summary>
/// The other process of the reliability suite. Prints <c>OK ...</c> and exits 0 on success;
/// prints <c>FAIL ...</c> and exits 1 otherwise.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        Console.WriteLine($"FAIL unknown command: {string.Join(' ', args)}");
        return Task.FromResult(1);
    }
}
