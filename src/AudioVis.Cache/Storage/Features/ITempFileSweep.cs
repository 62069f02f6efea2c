namespace AudioVis.Cache.Storage.Features;

/// <summary>A feature store that can leave temporary files behind (a writer that crashed) and remove them.</summary>
internal interface ITempFileSweep
{
    /// <summary>Removes the temporary files of ended writers (see <see cref="Internal.TempFileSweeper"/>).</summary>
    /// <param name="now">The current time.</param>
    /// <param name="maxAge">How old another machine's temporary file must be to go.</param>
    /// <param name="cancellationToken">Stops the sweep between files.</param>
    /// <returns>What was removed and kept.</returns>
    ValueTask<TempFileSweepReport> SweepTempFilesAsync(DateTimeOffset now, TimeSpan maxAge, CancellationToken cancellationToken);
}
