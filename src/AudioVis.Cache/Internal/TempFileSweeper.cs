using System.Diagnostics;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Internal;

/// <summary>
/// Removes the temporary files crashed writers left under a folder (<see cref="TempFileNames"/>). A file of this machine
/// whose process no longer runs goes at once; any other goes once it is older than the maximum age; a file of this process
/// is never touched. See docs/feature-blobs.md, "Shared folders".
/// </summary>
/// <remarks>
/// Only a file's name and last write time are read. A live writer appends at least every 64 KiB, which moves its last
/// write time, so the age rule only meets writers that stopped; on another machine the process cannot be asked, so its
/// files wait for the age rule. Another sweep removing the same file at the same moment is harmless (a delete of a gone
/// file is no error); the file is then counted by both.
/// </remarks>
internal static class TempFileSweeper
{
    private static readonly EnumerationOptions AllFiles = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // Temporary files are dot files, which .NET reports as hidden on Unix: skip nothing.
        AttributesToSkip = FileAttributes.None,
        MatchType = MatchType.Simple,
    };

    /// <summary>Sweeps every temporary file under <paramref name="root"/>.</summary>
    /// <param name="root">The folder; nothing happens when it does not exist.</param>
    /// <param name="now">The current time.</param>
    /// <param name="maxAge">How old (since its last write) another machine's temporary file must be to go.</param>
    /// <param name="localHost">This machine's host part (<see cref="TempFileNames.LocalHost"/>).</param>
    /// <param name="isProcessAlive">Whether a process of this machine runs (<see cref="IsProcessAlive"/>).</param>
    /// <param name="cancellationToken">Stops the sweep between files.</param>
    /// <returns>What was removed and kept.</returns>
    public static TempFileSweepReport Sweep(
        string root, DateTimeOffset now, TimeSpan maxAge, string localHost, Func<int, bool> isProcessAlive, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var directory = new DirectoryInfo(root);
        if (!directory.Exists)
        {
            return TempFileSweepReport.Empty;
        }

        int ended = 0, aged = 0, kept = 0;
        var self = Environment.ProcessId;
        foreach (var file in directory.EnumerateFiles(".*.tmp", AllFiles))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TempFileNames.TryParse(file.Name, out var owner))
            {
                continue;
            }

            var local = owner is not null && string.Equals(owner.Host, localHost, StringComparison.Ordinal);
            var endedProcess = local && owner!.ProcessId != self && !isProcessAlive(owner.ProcessId);
            var old = !endedProcess && !(local && owner!.ProcessId == self) && now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) > maxAge;
            if (!(endedProcess || old) || !TryDelete(file))
            {
                kept++;
            }
            else if (endedProcess)
            {
                ended++;
            }
            else
            {
                aged++;
            }
        }

        return new TempFileSweepReport(ended, aged, kept);
    }

    /// <summary>Whether a process with this id runs on this machine (a reused id counts as running: its file then waits for the age rule).</summary>
    /// <param name="processId">The process id.</param>
    /// <returns><see langword="false"/> when no such process exists.</returns>
    public static bool IsProcessAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to force (permissions on a shared folder): the next sweep tries again.
            return false;
        }
    }
}
