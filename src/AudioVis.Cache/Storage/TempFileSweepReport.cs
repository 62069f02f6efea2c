namespace AudioVis.Cache.Storage;

/// <summary>What <see cref="ICacheMaintenance.SweepTempFilesAsync(CancellationToken)"/> removed from the feature store's folder.</summary>
public sealed class TempFileSweepReport
{
    /// <summary>Initializes a new instance of the <see cref="TempFileSweepReport"/> class.</summary>
    /// <param name="removedOfEndedProcesses">Temporary files of this machine whose writing process no longer runs.</param>
    /// <param name="removedByAge">Temporary files older than the maximum age (any machine's).</param>
    /// <param name="kept">Temporary files left: writers that may still be running.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public TempFileSweepReport(int removedOfEndedProcesses, int removedByAge, int kept)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(removedOfEndedProcesses);
        ArgumentOutOfRangeException.ThrowIfNegative(removedByAge);
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        RemovedOfEndedProcesses = removedOfEndedProcesses;
        RemovedByAge = removedByAge;
        Kept = kept;
    }

    /// <summary>Gets an empty report: nothing found (a store that keeps no temporary files).</summary>
    public static TempFileSweepReport Empty { get; } = new(0, 0, 0);

    /// <summary>Gets the number of temporary files removed because they were written on this machine by a process that no longer runs (a crashed or killed writer).</summary>
    public int RemovedOfEndedProcesses { get; }

    /// <summary>Gets the number of temporary files removed because they were older than <c>AudioVisCacheOptions.TempFileMaxAge</c> (another machine's, or an older library version's).</summary>
    public int RemovedByAge { get; }

    /// <summary>Gets the number of temporary files removed: <see cref="RemovedOfEndedProcesses"/> plus <see cref="RemovedByAge"/>.</summary>
    public int Removed => RemovedOfEndedProcesses + RemovedByAge;

    /// <summary>Gets the number of temporary files left in place: this process's own, those of running processes on this machine, and younger ones of other machines.</summary>
    public int Kept { get; }

    /// <summary>Returns the counts as one line.</summary>
    /// <returns>The report as text.</returns>
    public override string ToString() =>
        $"{Removed} temporary file(s) removed ({RemovedOfEndedProcesses} of ended processes, {RemovedByAge} by age), {Kept} kept";
}
