namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>A temporary folder for one fuzz run's files (each case writes its own), deleted on dispose.</summary>
internal sealed class FuzzFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("audiovis-fuzz-").FullName;

    /// <summary>Writes <paramref name="bytes"/> to a new file and returns its path.</summary>
    public string Write(byte[] bytes, string extension)
    {
        var path = System.IO.Path.Combine(Path, $"{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a mapped file may still be closing.
        }
    }
}
