using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>One fuzz case that a reader takes from a file: the bytes and the (not yet written) file they go to.</summary>
internal sealed record FuzzFile(byte[] Bytes, string Path)
{
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Cases from <paramref name="bytes"/>, each with its own file in <paramref name="folder"/>.</summary>
    public static Gen<FuzzFile> In(string folder, Gen<byte[]> bytes, string extension) =>
        bytes.Select(b => new FuzzFile(b, System.IO.Path.Combine(folder, $"{Guid.NewGuid():N}{extension}")));

    /// <summary>Writes the bytes, gives the path to <paramref name="read"/>, then deletes the file.</summary>
    public void Read(Action<string> read)
    {
        File.WriteAllBytes(Path, Bytes);
        try
        {
            read(Path);
        }
        finally
        {
            File.Delete(Path);
        }
    }

    /// <summary>For failure reports: the length and the bytes (the first 16 KiB), enough to reproduce a case without its seed (a hang has none).</summary>
    public string Print() => $"{Bytes.Length} bytes: {Convert.ToHexString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 16_384)))}{(Bytes.Length > 16_384 ? "…" : string.Empty)}";
}
