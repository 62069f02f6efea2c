using System.ComponentModel;
using System.Runtime.InteropServices;

namespace AudioVis.Cache.Cluster.ChildProcess;

/// <summary>
/// Appends to a file shared by several processes with <c>O_APPEND</c> and one <c>write</c> per line, so lines never
/// overwrite or interleave. (.NET's <see cref="FileMode.Append"/> seeks to the end once and then writes at its own
/// offset, so two processes appending at once overwrite each other's lines.)
/// </summary>
internal static partial class SharedLog
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int AppendFlag = 0x400;
    private const int Mode = 0x1A4; // 0644

    public static void Append(string path, byte[] line)
    {
        var fd = Open(path, WriteOnly | Create | AppendFlag, Mode);
        if (fd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"open {path}");
        }

        try
        {
            if (Write(fd, line, line.Length) != line.Length)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"write {path}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
